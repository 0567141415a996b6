"""Indicator pages: dashboard, drill-down, map, exports, project report (PDF).

Every page reads the perimeter (``perimetre``) and the as-of date (``date``) from the query string;
the perimeter is resolved within the user's scope (404 outside it) and the households are always
those of the user's indicator scope (``perimeter.indicator_households``).
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from relogement.core.formatting import format_number
from relogement.households.statuses import ReportingStatus
from relogement.indicators import dashboard as board
from relogement.indicators import geo, registry
from relogement.indicators.asof import AsOf
from relogement.indicators.cache import cached, current_version, scope_key
from relogement.indicators.exports import FORMATS, WRITERS
from relogement.indicators.geo import map_shapes
from relogement.indicators.perimeter import (
    BUILDING,
    PROJECT,
    SEARCH_MIN_LENGTH,
    Perimeter,
    building_tokens,
    perimeter_choices,
    perimeter_for_user,
    scope_note,
    search_perimeters,
)
from relogement.indicators.selectors import as_of_facts, scoped_households
from relogement.permissions.predicates import can_view_names
from relogement.permissions.secrecy import THRESHOLD as SECRECY_THRESHOLD
from relogement.permissions.secrecy import is_small, must_hide
from relogement.permissions.shortcuts import get_project_for_user

DASHBOARD_TABLES = [
    "avancement",
    "progression",
    "statuts",
    "batiments",
    "impact",
    "rac",
    "effort",
    "surface",
    "surpeuplement",
    "processus",
    "refus",
]
MAP_TABLES = ["communes", "flux"]


def _as_of(request) -> tuple[dt.date, str]:
    raw = (request.GET.get("date") or "").strip()
    if not raw:
        return dt.date.today(), ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return (
            dt.date.today(),
            f"Date invalide : « {raw} ». Saisissez une date au format JJ/MM/AAAA ; la date du jour est utilisée.",
        )


def _context(request):
    perimeter = perimeter_for_user(request.user, request.GET.get("perimetre"))
    as_of, error = _as_of(request)
    return perimeter, as_of, error


def _crumbs(label: str, url: str | None = None):
    crumbs = [{"label": "Indicateurs", "url": reverse("indicators:dashboard")}]
    if label:
        crumbs.append({"label": label, "url": url})
    return crumbs


def _board(request, perimeter, as_of, version: str | None):
    scope = scope_key(request.user)
    return board.build(
        scoped_households(request.user, perimeter),
        perimeter,
        as_of,
        hide=must_hide(request.user),
        scope=scope,
        version=version,
        building_tokens=cached(
            ("building-tokens", scope), lambda: building_tokens(request.user), version=version
        ),
    )


def _dashboard_choices(request, perimeter, version: str | None):
    """The perimeter selector's options (four scans of the user's scope), kept for the data version like
    the figures: the dashboard is opened again and again on the same scope."""
    current = perimeter.token if perimeter.kind == BUILDING else ""
    return cached(
        ("perimeter-choices", scope_key(request.user), current),
        lambda: perimeter_choices(request.user, buildings=False, current=perimeter),
        version=version,
    )


def _buildings_context(request, d, perimeter, as_of) -> dict:
    """One page of the buildings table (``tri``, ``ordre``, ``vue``, ``page``) and its links."""
    sort = request.GET.get("tri", "")
    sort = sort if sort in board.BUILDING_SORTS else ""
    descending = request.GET.get("ordre") == "desc"
    at_risk_count = len(d.at_risk)
    view = request.GET.get("vue") or ("risque" if at_risk_count else "tous")
    view = view if view in ("risque", "tous") else "tous"
    table, page = board.building_page(
        d, sort=sort, descending=descending, at_risk=view == "risque", page=request.GET.get("page")
    )
    base = reverse("indicators:buildings") + "?" + board.query_string(perimeter, as_of)
    columns = []
    for (key, _), header in zip(board.BUILDING_SORTS.items(), table.headers, strict=True):
        next_desc = key == sort and not descending
        columns.append(
            {
                "header": header,
                "key": key,
                "url": f"{base}&vue={view}&tri={key}&ordre={'desc' if next_desc else 'asc'}",
                "aria_sort": ("descending" if descending else "ascending") if key == sort else "",
            }
        )
    page_base = f"{base}&vue={view}&tri={sort}&ordre={'desc' if descending else 'asc'}&page="
    return {
        "d": d,
        "buildings_table": table,
        "buildings_page": page,
        "buildings_columns": columns,
        "buildings_view": view,
        "buildings_page_base": page_base,
        "buildings_view_urls": {"risque": f"{base}&vue=risque", "tous": f"{base}&vue=tous"},
        "at_risk_count": at_risk_count,
        "building_count": len(d.buildings),
        "qs": board.query_string(perimeter, as_of),
    }


def dashboard(request):
    perimeter, as_of, error = _context(request)
    version = current_version()  # read once for the figures, the buildings and the choices
    qs = board.query_string(perimeter, as_of)
    # The figures part (tables, charts, buildings) depends only on the organisation (its scope and
    # whether small counts are hidden), the perimeter, the date, the buildings table's page and sort,
    # and the data: kept as HTML for the data version, so that the dashboard opened again (the most
    # visited page after the list) neither rebuilds its tables nor renders them.
    table_state = tuple(request.GET.get(k, "") for k in ("tri", "ordre", "vue", "page"))
    figures_html = cached(
        (
            "dashboard-html",
            scope_key(request.user),
            must_hide(request.user),
            perimeter.token,
            as_of,
            table_state,
        ),
        lambda: _figures_html(request, perimeter, as_of, version, qs),
        version=version,
    )
    return render(
        request,
        "indicators/dashboard.html",
        {
            "figures_html": figures_html,
            "perimeter": perimeter,
            "as_of": as_of,
            "date_error": error,
            "choices": _dashboard_choices(request, perimeter, version),
            "q": "",
            "results": [],
            "more": False,
            "too_short": True,
            "min_length": SEARCH_MIN_LENGTH,
            "qs": qs,
            "mode": "",
            "breadcrumbs": [{"label": "Indicateurs", "url": None}],
        },
    )


def _figures_html(request, perimeter, as_of, version: str | None, qs: str) -> str:
    d = _board(request, perimeter, as_of, version)
    return render_to_string(
        "indicators/_dashboard_figures.html",
        {
            **_buildings_context(request, d, perimeter, as_of),
            "d": d,
            "perimeter": perimeter,
            "as_of": as_of,
            "scope_note": scope_note(request.user),
            "qs": qs,
            "progress_tables": d.table_list("statuts", "avancement"),
            "impact_tables": d.table_list("rac", "effort", "surface", "surpeuplement"),
            "project_report_url": reverse("indicators:project_report", kwargs={"pk": perimeter.key})
            + "?"
            + board.query_string(perimeter, as_of)
            if perimeter.kind == PROJECT
            else "",
        },
    )


def buildings(request):
    """The buildings table of the dashboard, one page sorted on a column (htmx: the table alone)."""
    perimeter, as_of, error = _context(request)
    d = _board(request, perimeter, as_of, current_version())
    context = {
        **_buildings_context(request, d, perimeter, as_of),
        "perimeter": perimeter,
        "as_of": as_of,
        "date_error": error,
        "back": reverse("indicators:dashboard") + "?" + board.query_string(perimeter, as_of),
        "breadcrumbs": _crumbs("Bâtiments"),
    }
    template = "indicators/_buildings.html" if request.htmx else "indicators/buildings.html"
    return render(request, template, context)


def perimeter_search(request):
    """Perimeters of the user's scope matching ``q`` (htmx: the list of links alone)."""
    _, as_of, _ = _context(request)
    query = (request.GET.get("q") or "").strip()
    found, more = search_perimeters(request.user, query)
    date = as_of.isoformat()
    results = [
        {
            "group": group,
            "label": label,
            "url": reverse("indicators:dashboard")
            + "?"
            + board.urlencode({"perimetre": token, "date": date}),
        }
        for group, token, label in found
    ]
    context = {
        "q": query,
        "results": results,
        "more": more,
        "too_short": len(query) < SEARCH_MIN_LENGTH,
        "min_length": SEARCH_MIN_LENGTH,
        "as_of": as_of,
        "breadcrumbs": _crumbs("Rechercher un périmètre"),
    }
    template = "indicators/_perimeter_results.html" if request.htmx else "indicators/perimeter_search.html"
    return render(request, template, context)


def _detail_url(pk: int) -> str:
    try:
        return reverse("households:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def drilldown(request):
    """The households behind a count, for roles with access to named data (never the metropolis)."""
    if must_hide(request.user):
        raise Http404("Liste nominative non disponible pour votre rôle.")
    perimeter, as_of, error = _context(request)
    indicator_id = request.GET.get("indicateur", "")
    indicator = registry.get(indicator_id)
    population = AsOf(as_of).drilldown(indicator_id)
    if indicator is None or population is None:
        raise Http404("Indicateur inconnu ou non détaillable.")
    facts = (
        as_of_facts(scoped_households(request.user, perimeter), as_of)
        .filter(population)
        .select_related("household__building", "household__project")
        .order_by("household__project__name", "household__reference", "household_id")
    )
    page = Paginator(facts, 50).get_page(request.GET.get("page"))
    labels = dict(ReportingStatus.choices)
    rows = [
        {
            "household": f.household,
            "name": f.household.reference_name if can_view_names(request.user, f.household) else "",
            "status": labels.get(f.rep, f.rep),
            "url": _detail_url(f.household_id),
        }
        for f in page.object_list
    ]
    qs = board.query_string(perimeter, as_of, indicateur=indicator_id)
    return render(
        request,
        "indicators/drilldown.html",
        {
            "indicator": indicator,
            "perimeter": perimeter,
            "as_of": as_of,
            "date_error": error,
            "page": page,
            "rows": rows,
            "qs": qs,
            "back": reverse("indicators:dashboard") + "?" + board.query_string(perimeter, as_of),
            "breadcrumbs": _crumbs(indicator.label),
        },
    )


# Arrowheads of the flows, by line width (SVG markers in user units: a thin flow keeps a visible head).
FLOW_ARROWS = ((3, "fleche-petite"), (6, "fleche-moyenne"), (99, "fleche-grande"))


def _flow_width(n: int, max_flow: int) -> float:
    return round(1 + 7 * n / max_flow, 1)


def _arrow(width: float) -> str:
    return next(marker for limit, marker in FLOW_ARROWS if width < limit)


def _shortened(a, b, by: float = 4.0) -> tuple[float, float]:
    """The end of the segment a→b stopped ``by`` units before b (the arrow's tip stays visible)."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    length = (dx * dx + dy * dy) ** 0.5
    if length <= by * 2:
        return b.cx, b.cy
    return b.cx - dx * by / length, b.cy - dy * by / length


def _map_svg(shapes, figures, flows, mode: str, hide: bool):
    """Commune shading classes, flow lines and the two legends, ready for the template."""
    by_code = {f.code: f for f in figures}
    values = {f.code: (f.origin if mode == "origine" else f.destination) for f in figures}
    breaks = geo.class_breaks(values.values(), low=SECRECY_THRESHOLD if hide else 1)
    communes = []
    for shape in shapes.shapes:
        value = values.get(shape.insee_code, 0)
        hidden = hide and is_small(value) and value > 0
        shade = None if value == 0 or hidden else geo.class_of(value, breaks)
        if hidden:
            label = f"{shape.name} : moins de 5 ménages (effectif masqué, secret statistique)"
        else:
            label = f"{shape.name} : {format_number(value)} ménage{'s' if value > 1 else ''}"
        communes.append(
            {
                "shape": shape,
                "value": value,
                "hidden": hidden,
                "fill": shade.fill if shade else geo.PALETTE[0],
                "label": label,
            }
        )
    points = shapes.by_code()
    max_flow = max((n for _, n in flows), default=1) or 1
    lines = []
    for (origin, destination), n in flows:
        if origin == destination or origin not in points or destination not in points:
            continue
        if hide and is_small(n):
            continue
        a, b = points[origin], points[destination]
        x2, y2 = _shortened(a, b)
        width = _flow_width(n, max_flow)
        lines.append(
            {
                "x1": a.cx,
                "y1": a.cy,
                "x2": x2,
                "y2": y2,
                "width": width,
                "arrow": _arrow(width),
                "n": n,
                "origin": by_code[origin].name if origin in by_code else origin,
                "destination": by_code[destination].name if destination in by_code else destination,
            }
        )
    shown = sorted({line["n"] for line in lines})
    samples = sorted({shown[0], shown[len(shown) // 2], shown[-1]}) if shown else []
    flow_legend = []
    for n in samples:
        width = _flow_width(n, max_flow)
        flow_legend.append({"n": n, "width": width, "arrow": _arrow(width)})
    legend = {
        "breaks": breaks,
        "empty_fill": geo.PALETTE[0],
        "hidden": hide,
        "flows": flow_legend,
    }
    return communes, lines, legend


def map_view(request):
    perimeter, as_of, error = _context(request)
    mode = "destination" if request.GET.get("mode") == "destination" else "origine"
    hide = must_hide(request.user)
    households = scoped_households(request.user, perimeter)
    figures, flows = board.territory_figures(
        households, as_of, scope=scope_key(request.user), perimeter=perimeter
    )
    tables = board.territory_tables(figures, flows, hide=hide)
    shapes = map_shapes()
    communes, lines, legend = _map_svg(shapes, figures, flows, mode, hide)
    return render(
        request,
        "indicators/map.html",
        {
            "perimeter": perimeter,
            "as_of": as_of,
            "date_error": error,
            "mode": mode,
            "scope_note": scope_note(request.user),
            "choices": perimeter_choices(request.user),
            "shapes": shapes,
            "communes": communes,
            "lines": lines,
            "tables": [tables["communes"], tables["flux"]],
            "qs": board.query_string(perimeter, as_of),
            "origin_qs": board.query_string(perimeter, as_of, mode="origine"),
            "destination_qs": board.query_string(perimeter, as_of, mode="destination"),
            "legend": legend,
            "breadcrumbs": _crumbs("Carte"),
        },
    )


def export(request):
    """One dashboard or map table (``table``), or every dashboard table, as CSV, XLSX or ODS."""
    output = request.GET.get("format", "csv")
    table_id = request.GET.get("table", "")
    if output not in WRITERS:
        return HttpResponseBadRequest("Format d'export inconnu : choisissez csv, xlsx ou ods.")
    if table_id and table_id not in DASHBOARD_TABLES + MAP_TABLES:
        return HttpResponseBadRequest("Tableau inconnu.")
    perimeter, as_of, _ = _context(request)
    hide = must_hide(request.user)
    households = scoped_households(request.user, perimeter)
    if table_id in MAP_TABLES:
        figures, flows = board.territory_figures(
            households, as_of, scope=scope_key(request.user), perimeter=perimeter
        )
        tables = [board.territory_tables(figures, flows, hide=hide)[table_id]]
    else:
        d = board.build(households, perimeter, as_of, hide=hide, scope=scope_key(request.user))
        tables = [d.tables[table_id]] if table_id else d.table_list(*DASHBOARD_TABLES)
    title = f"{perimeter.title} — situation au {as_of:%d/%m/%Y}"
    content = WRITERS[output](tables, title=title)
    response = HttpResponse(content, content_type=FORMATS[output])
    name = f"indicateurs-{perimeter.token}-{as_of.isoformat()}-{table_id or 'tableaux'}.{output}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def project_report(request, pk: int):
    """The steering-committee report of a project as PDF (WeasyPrint): indicators, charts, risks."""
    project = get_project_for_user(request.user, pk)
    perimeter = Perimeter(PROJECT, str(project.pk), project.name, project)
    as_of, _ = _as_of(request)
    households = scoped_households(request.user, perimeter)
    d = board.build(households, perimeter, as_of, hide=must_hide(request.user), scope=scope_key(request.user))
    html = render_to_string(
        "indicators/report.html",
        {"d": d, "project": project, "as_of": as_of, "generated": dt.date.today()},
        request=request,
    )
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-{project.code}-{as_of.isoformat()}.pdf"'
    return response
