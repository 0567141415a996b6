"""Everything a dashboard shows for a perimeter and a date: indicators, tables, charts, buildings at risk.

Shared by the dashboard page, the exports and the PDF report, so that the three always agree, and so
that the secret statistique is applied in one place (``hide``: roles without named data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from relogement.core.formatting import format_number
from relogement.households.statuses import ReportingStatus
from relogement.indicators import charts, registry
from relogement.indicators.asof import AsOf
from relogement.indicators.burndown import BuildingProgress, building_progress, project_progress
from relogement.indicators.cache import cached
from relogement.indicators.figures import DISTRIBUTIONS, heavy_query
from relogement.indicators.scope import pinned
from relogement.indicators.selectors import Result, _ratio, as_of_facts, compute
from relogement.indicators.tables import DATE, MONTH, Cell, Table, text
from relogement.permissions.secrecy import hidden_for, is_small
from relogement.territory.models import Commune

KPIS = [
    "avancement.recenses",
    "avancement.reloges_definitifs",
    "avancement.restant_a_reloger",
    "avancement.taux",
    "impact.pct_hors_qpv",
    "processus.delai_median_jours",
]
BURNDOWN_CHARTS = 12
# Projects drawn (and tabulated) on the progress chart, besides the whole perimeter; the others are in
# the export of the table.
PROGRESS_PROJECTS = 6
BUILDINGS_PER_PAGE = 50
# Sort keys of the buildings table (``tri``), by column.
BUILDING_SORTS = {
    "batiment": 0,
    "recenses": 1,
    "restant": 2,
    "demolition": 3,
    "rythme": 4,
    "liberation": 5,
    "risque": 6,
}


def query_string(perimeter, as_of: dt.date, **extra) -> str:
    return urlencode({"perimetre": perimeter.token, "date": as_of.isoformat(), **extra})


@dataclass
class Dashboard:
    perimeter: object
    as_of: dt.date
    hide: bool
    result: Result
    buildings: list[BuildingProgress]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    # Perimeter tokens of the buildings the user may open (their counts link to the households).
    building_tokens: frozenset[str] = frozenset()

    def cell(self, indicator: registry.Indicator, link: bool = True) -> Cell:
        value = self.result.values[indicator.id]
        hidden = self.hide and hidden_for(self.result.bases[indicator.id])
        url = ""
        if link and not self.hide and indicator.drillable and value:
            url = (
                reverse("indicators:drilldown")
                + "?"
                + query_string(self.perimeter, self.as_of, indicateur=indicator.id)
            )
        return Cell(value, indicator.kind, hidden, url, indicator.unit)

    @property
    def kpis(self) -> list[tuple[registry.Indicator, Cell]]:
        return [(registry.BY_ID[i], self.cell(registry.BY_ID[i])) for i in KPIS]

    @cached_property
    def at_risk(self) -> list[tuple[BuildingProgress, str]]:
        return [(b, b.risk) for b in self.buildings if b.risk]

    @property
    def risk_rule(self) -> str:
        return RISK_RULE

    def burndown_charts(self) -> list[tuple[BuildingProgress, str]]:
        return [(b, self.charts[f"burndown-{b.pk}"]) for b in self.buildings[:BURNDOWN_CHARTS]]

    def table_list(self, *ids: str) -> list[Table]:
        return [self.tables[i] for i in ids if i in self.tables]


def _indicator_tables(d: Dashboard) -> None:
    for section, label in registry.SECTION_LABELS.items():
        rows = [
            [text(i.label), d.cell(i), text(i.how)] for i in d.result.indicators() if i.section == section
        ]
        d.tables[section] = Table(
            section, f"{label} : indicateurs", ["Indicateur", "Valeur", "Mode de calcul"], rows
        )


def _count_cell(d: Dashboard, value: int) -> Cell:
    return Cell(value, registry.COUNT, d.hide and is_small(value))


def _status_table(d: Dashboard) -> None:
    rows = []
    values = []
    for status in ReportingStatus:
        indicator = registry.status_indicator(status.value)
        cell = d.cell(indicator)
        rows.append([text(status.label), cell])
        values.append(cell)
    d.tables["statuts"] = Table(
        "statuts",
        "Ménages recensés par statut à la date d'observation",
        ["Statut", "Ménages"],
        rows,
        note=registry.status_indicator(ReportingStatus.RELOGE).how,
    )
    d.charts["statuts"] = charts.bar_chart(
        "chart-statuts",
        "Ménages recensés par statut",
        "Diagramme en barres du nombre de ménages recensés par statut ; valeurs dans le tableau qui suit.",
        [s.label for s in ReportingStatus],
        [charts.Series("Ménages", [c.value for c in values], [c.hidden for c in values])],
    )


def _distribution_tables(d: Dashboard) -> None:
    for key, (title, _, _, rows_name, bins) in DISTRIBUTIONS.items():
        dist = d.result.distributions[key]
        before = [_count_cell(d, v) for v in dist["before"]]
        after = [_count_cell(d, v) for v in dist["after"]]
        rows = [[text(label), b, a] for (_, label, _, _), b, a in zip(bins, before, after, strict=True)]
        population = {
            "rac_rows": "ménages recensés relogés dont le reste à charge avant et après est calculable",
            "effort_rows": "mêmes ménages, avec des ressources supérieures à 0",
            "area_rows": "ménages recensés relogés dont les surfaces avant et après sont connues",
        }[rows_name]
        d.tables[key] = Table(
            key,
            f"{title} avant et après relogement (nombre de ménages par tranche)",
            ["Tranche", "Avant", "Après"],
            rows,
            note=f"Population : {population}.",
        )
        d.charts[key] = charts.bar_chart(
            f"chart-{key}",
            f"{title} avant et après relogement",
            f"Nombre de ménages par tranche de {title.lower()}, avant (barres pleines) et après (barres "
            "hachurées) ; valeurs dans le tableau qui suit.",
            [label for _, label, _, _ in bins],
            [
                charts.Series("Avant", [c.value for c in before], [c.hidden for c in before]),
                charts.Series("Après", [c.value for c in after], [c.hidden for c in after]),
            ],
        )
    before = d.cell(registry.BY_ID["impact.pct_surpeuplement_avant"])
    after = d.cell(registry.BY_ID["impact.pct_surpeuplement_apres"])
    d.tables["surpeuplement"] = Table(
        "surpeuplement",
        "Part des ménages en surpeuplement avant et après relogement",
        ["Situation", "Part"],
        [[text("Avant"), before], [text("Après"), after]],
        note=registry.BY_ID["impact.pct_surpeuplement_avant"].how,
    )
    d.charts["surpeuplement"] = charts.bar_chart(
        "chart-surpeuplement",
        "Surpeuplement avant et après",
        "Part des ménages en surpeuplement avant et après relogement ; valeurs dans le tableau qui suit.",
        ["Avant", "Après"],
        [
            charts.Series(
                "Part en surpeuplement",
                [None if c.value is None else float(c.value) * 100 for c in (before, after)],
                [before.hidden, after.hidden],
            )
        ],
        fmt=lambda v: f"{format_number(v, 1)}\u00a0%",
    )
    shares = [
        "impact.pct_neuf_moins_5_ans",
        "impact.pct_hors_qpv",
        "impact.pct_meme_commune",
        "impact.pct_parc_social",
        "impact.pct_minoration_loyer",
        "impact.pct_satisfaits",
        "impact.pct_impayes_6_mois",
    ]
    cells = [d.cell(registry.BY_ID[i]) for i in shares]
    d.charts["parts"] = charts.bar_chart(
        "chart-parts",
        "Parts des ménages relogés",
        "Parts des relogés définitifs : neuf ou moins de 5 ans, hors QPV, même commune, parc social, "
        "minoration de loyer, satisfaits, impayés ; valeurs dans le tableau des indicateurs d'impact.",
        [registry.BY_ID[i].label for i in shares],
        [
            charts.Series(
                "Part",
                [None if c.value is None else float(c.value) * 100 for c in cells],
                [c.hidden for c in cells],
            )
        ],
        fmt=lambda v: f"{format_number(v, 1)}\u00a0%",
    )


def _refusal_table(d: Dashboard) -> None:
    rows, cells, labels = [], [], []
    for key, label in d.result.motifs.items():
        indicator = registry.motif_indicator(key, label)
        cell = d.cell(indicator)
        rows.append([text(label), cell])
        cells.append(cell)
        labels.append(label)
    d.tables["refus"] = Table(
        "refus",
        "Motifs de refus des propositions",
        ["Motif", "Refus"],
        rows,
        note=registry.BY_ID["processus.taux_refus"].how,
    )
    d.charts["refus"] = charts.bar_chart(
        "chart-refus",
        "Refus par motif",
        "Nombre de refus par motif ; valeurs dans le tableau qui suit.",
        labels,
        [charts.Series("Refus", [c.value for c in cells], [c.hidden for c in cells])],
    )


def _building_count(d: Dashboard, b: BuildingProgress, link: str, value: int) -> Cell:
    """``link``: the drill-down URL of the indicator, up to the building's token (``_drilldown_prefix``:
    built once rather than reversed and encoded for each of thousands of cells)."""
    cell = _count_cell(d, value)
    token = f"batiment-{b.pk}"
    if not d.hide and value and token in d.building_tokens:
        cell.link = link + token
    return cell


def _drilldown_prefix(d: Dashboard, indicator_id: str) -> str:
    query = urlencode({"date": d.as_of.isoformat(), "indicateur": indicator_id})
    return f"{reverse('indicators:drilldown')}?{query}&perimetre="


def _progress_table(d: Dashboard) -> None:
    """Monthly burn-down of the households still to rehouse: the whole perimeter, then per project."""
    progress = project_progress(d.buildings, d.as_of)
    if not progress:
        return
    shown = progress[: PROGRESS_PROJECTS + 1] if len(progress) > 2 else progress[:1]
    months = [m for m, _ in progress[0].series]

    def cell(v: int) -> Cell:
        return _count_cell(d, v)

    columns = [[cell(v) for _, v in p.series] for p in shown]
    rows = [[Cell(m, MONTH), *(col[i] for col in columns)] for i, m in enumerate(months)]
    others = len(progress) - len(shown)
    note = (
        "Ménages recensés (hors ménages issus d'une décohabitation) restant à reloger à la fin de chaque mois "
        "(au plus les 36 derniers mois) : recensés à cette date − relogés définitivement ou sortis sans "
        "relogement à cette date, avec les mêmes règles que les indicateurs à la date d'observation."
    )
    if others > 0:
        note += f" Les {others} autres projets sont comptés dans « {progress[0].project} »."
    d.tables["progression"] = Table(
        "progression",
        "Ménages restant à reloger à la fin de chaque mois, par projet",
        ["Mois", *(p.project for p in shown)],
        rows,
        note=note,
    )
    d.charts["progression"] = charts.lines_chart(
        "chart-progression",
        "Ménages restant à reloger, par mois",
        "Courbes mensuelles du nombre de ménages recensés restant à reloger, pour l'ensemble du périmètre "
        "(trait épais) et par projet ; valeurs dans le tableau qui suit.",
        months,
        [
            charts.Series(p.project, [c.value for c in col], [c.hidden for c in col])
            for p, col in zip(shown, columns, strict=True)
        ],
    )


def building_page(d: Dashboard, *, sort: str = "", descending: bool = False, at_risk: bool = False, page=1):
    """One page of the buildings table, sorted on a column (``BUILDING_SORTS``; default: at risk first),
    optionally only the buildings at risk. Returns (table, paginator page)."""
    from django.core.paginator import Paginator

    full = d.tables["batiments"]
    pairs = list(zip(d.buildings, full.rows, strict=True))
    if at_risk:
        pairs = [(b, row) for b, row in pairs if b.risk]
    column = BUILDING_SORTS.get(sort)
    if column is not None:
        shown = [p for p in pairs if not p[1][column].sort_key[0]]
        blank = [p for p in pairs if p[1][column].sort_key[0]]
        shown.sort(key=lambda p: p[1][column].sort_key, reverse=descending)
        pairs = shown + blank
    current = Paginator(pairs, BUILDINGS_PER_PAGE).get_page(page)
    table = Table(full.id, full.caption, full.headers, [row for _, row in current.object_list], full.note)
    return table, current


def _building_table(d: Dashboard) -> None:
    rows = []
    census_link = _drilldown_prefix(d, "avancement.recenses")
    remaining_link = _drilldown_prefix(d, "avancement.restant_a_reloger")
    for b in d.buildings:
        r = b.risk_verdict
        end = r.projected if r is not None else None
        rows.append(
            [
                text(f"{b.reference} ({b.project})"),
                _building_count(d, b, census_link, b.census),
                _building_count(d, b, remaining_link, b.remaining),
                Cell(b.planned_demolition, DATE) if b.planned_demolition else text("non renseignée"),
                Cell(round(r.pace, 2), registry.MEAN, d.hide and is_small(r.departures))
                if r is not None
                else text("—"),
                Cell(end.replace(day=1), MONTH) if end else text("—"),
                text(b.risk or "non"),
            ]
        )
    for b in d.buildings[:BURNDOWN_CHARTS]:
        points = [(m, None if d.hide and is_small(v) else v) for m, v in b.series]
        d.charts[f"burndown-{b.pk}"] = charts.line_chart(
            f"chart-burndown-{b.pk}",
            f"Ménages restant à reloger — {b.reference}",
            "Courbe mensuelle du nombre de ménages recensés restant à reloger"
            + (
                f", et date de démolition prévue le {b.planned_demolition:%d/%m/%Y} (trait pointillé)"
                if b.planned_demolition
                else ""
            )
            + " ; valeurs dans le tableau des bâtiments.",
            points,
            b.planned_demolition,
            "démolition" if b.planned_demolition else "",
        )
    d.tables["batiments"] = Table(
        "batiments",
        "Bâtiments : ménages restant à reloger et démolition prévue",
        [
            "Bâtiment",
            "Recensés",
            "Restant à reloger",
            "Démolition prévue",
            "Départs (ménages/mois, 12 derniers mois)",
            "Libération projetée à ce rythme",
            "À risque",
        ],
        rows,
        note=RISK_RULE,
    )


RISK_RULE = (
    "Bâtiment à risque (même verdict que le calendrier de démolition et l'accueil) : des ménages occupent "
    "encore le bâtiment et la démolition prévue est dépassée, ou aucun ménage n'est parti depuis 12 mois, "
    "ou, au rythme des départs des 12 derniers mois, le bâtiment ne serait pas libéré avant la démolition prévue."
)


def _attach_risks(buildings: list[BuildingProgress], as_of: dt.date) -> None:
    """The one building-risk verdict (matching.risk), whole buildings as of the date; buildings at
    risk first (they get the burn-down charts)."""
    from relogement.matching.risk import building_risks
    from relogement.projects.models import Building

    risks = building_risks(
        None, Building.objects.filter(pk__in=[b.pk for b in buildings]), on=as_of, with_blockers=False
    )
    by_pk = {r.building.pk: r for r in risks}
    for b in buildings:
        risk = by_pk.get(b.pk)
        # Without its Building instance (the dashboard reads the figures and the verdict): half of the
        # cached value that every dashboard view reads back.
        b.risk_verdict = dataclasses.replace(risk, building=None) if risk is not None else None
    buildings.sort(key=lambda b: not b.risk)


def build(
    households,
    perimeter,
    as_of: dt.date,
    *,
    hide: bool,
    scope: str | None = None,
    version: str | None = None,
    building_tokens: frozenset[str] = frozenset(),
) -> Dashboard:
    """``scope`` (cache.scope_key of the user) enables the cache: same organisation, same data
    (``version``: the data version, when the page has read it already)."""

    def figures():
        with pinned(households) as scoped:  # one evaluation of the scope for both
            result, buildings = compute(scoped, as_of), building_progress(scoped, as_of)
        _attach_risks(buildings, as_of)  # cached with the figures: two or three grouped queries
        return result, buildings

    if scope is None:
        result, buildings = figures()
    else:
        result, buildings = cached(
            ("dashboard", scope, perimeter.token, as_of.isoformat()), figures, version=version
        )
    d = Dashboard(perimeter, as_of, hide, result, buildings, building_tokens=building_tokens)
    _indicator_tables(d)
    _status_table(d)
    _distribution_tables(d)
    _refusal_table(d)
    _building_table(d)
    _progress_table(d)
    return d


# Map figures -------------------------------------------------------------------------------------


@dataclass
class CommuneFigures:
    code: str
    name: str
    origin: int = 0
    destination: int = 0
    rehoused_from: int = 0
    rehoused_from_in_qpv: int = 0

    @property
    def qpv_share(self):
        return _ratio(self.rehoused_from_in_qpv, self.rehoused_from, 4)


def territory_figures(households, as_of: dt.date, *, scope: str | None = None, perimeter=None):
    if scope is None:
        return _territory_figures(households, as_of)
    return cached(
        ("territory", scope, perimeter.token, as_of.isoformat()),
        lambda: _territory_figures(households, as_of),
    )


def _territory_figures(households, as_of: dt.date):
    """Per commune: census households of origin, rehoused households by destination, share rehoused in
    QPV (of the households rehoused from that commune); flows origin → destination (3 queries)."""
    pop = AsOf(as_of)
    facts = as_of_facts(households, as_of)
    origin = facts.filter(pop.census).order_by().values_list("building__commune_id").annotate(n=Count("pk"))
    moves = (
        facts.filter(pop.definitive)
        .order_by()
        .values_list("building__commune_id", "destination_commune_id", "in_qpv")
        .annotate(n=Count("pk"))
    )
    with heavy_query():
        origin, moves = list(origin), list(moves)
    ids = {row[0] for row in origin} | {c for row in moves for c in row[:2]}
    rows = Commune.objects.filter(pk__in=ids).values_list("pk", "insee_code", "name")
    communes = {pk: (code, name) for pk, code, name in rows}
    figures: dict[str, CommuneFigures] = {}

    def get(commune_id: int) -> CommuneFigures:
        code, name = communes[commune_id]
        return figures.setdefault(code, CommuneFigures(code, name))

    for commune_id, n in origin:
        get(commune_id).origin += n
    flows: dict[tuple[str, str], int] = {}
    for origin_id, destination_id, qpv, n in moves:
        get(destination_id).destination += n
        source = get(origin_id)
        source.rehoused_from += n
        if qpv:
            source.rehoused_from_in_qpv += n
        key = (source.code, communes[destination_id][0])
        flows[key] = flows.get(key, 0) + n
    ordered = sorted(figures.values(), key=lambda f: f.name)
    return ordered, sorted(flows.items(), key=lambda kv: -kv[1])


def territory_tables(figures, flows, *, hide: bool) -> dict[str, Table]:
    names = {f.code: f.name for f in figures}
    rows = []
    for f in figures:
        rows.append(
            [
                text(f"{f.name} ({f.code})"),
                Cell(f.origin, registry.COUNT, hide and is_small(f.origin)),
                Cell(f.destination, registry.COUNT, hide and is_small(f.destination)),
                Cell(
                    f.qpv_share,
                    registry.SHARE,
                    hide and hidden_for((f.rehoused_from, f.rehoused_from_in_qpv)),
                ),
            ]
        )
    communes = Table(
        "communes",
        "Ménages par commune : origine, destination et part relogée en QPV",
        [
            "Commune",
            "Ménages recensés originaires",
            "Ménages relogés arrivés",
            "Part des relogés (originaires) en QPV",
        ],
        rows,
        note="Origine : commune du bâtiment d'origine (ménages recensés). Destination : commune du logement "
        "des relogés définitifs. Part en QPV : relogés définitifs originaires de la commune dont le logement "
        "de destination est en QPV ÷ relogés définitifs originaires de la commune.",
    )
    flow_rows = [
        [
            text(f"{names.get(o, o)} ({o})"),
            text(f"{names.get(t, t)} ({t})"),
            Cell(n, registry.COUNT, hide and is_small(n)),
        ]
        for (o, t), n in flows
    ]
    flux = Table(
        "flux",
        "Flux de relogement : commune d'origine → commune de destination",
        ["Commune d'origine", "Commune de destination", "Ménages relogés"],
        flow_rows,
        note="Relogés définitifs à la date d'observation, par commune d'origine et de destination.",
    )
    return {"communes": communes, "flux": flux}
