"""Decision-support pages, grouped by journey: a household's offers, an offer's households, the plan,
the demolition risk, the criteria weights. Every object comes through the user's scope (404 outside)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import numpy as np
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from relogement.accounts.models import OrganisationKind
from relogement.audit.services import file_reads_record
from relogement.core.errors import DomainError
from relogement.core.spreadsheet import openpyxl_cell
from relogement.households.models import Household
from relogement.matching import registry, selectors
from relogement.matching.context import available_offers
from relogement.matching.forms import WeightsForm
from relogement.matching.preview import weights_preview
from relogement.matching.residual_rent import default_provider
from relogement.matching.risk import building_risks
from relogement.matching.services import project_set_matching_weights
from relogement.offers.models import HousingOffer, OfferStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.permissions.shortcuts import get_for_user, get_household_for_user, get_project_for_user
from relogement.projects.models import Building, DwellingType, Project
from relogement.territory.models import Commune

PAGE_SIZE = 20
PLAN_PAGE_SIZE = 50
# Every household × offer pair gets its exact residual rent from the benefits engine, for the offer's
# stock kind. Measured with the richer model (random households of 1–4 adults with their situations,
# offers of four stock kinds in 95 communes; 2 shared cores): 600 households × 300 offers (a project
# office: 180,000 pairs) 3.7 s of CPU, peak +200 MiB; 1,000 × 1,000 13.7 s of CPU, +460 MiB. The
# bound keeps the first display of a plan around four seconds (a pin or an exclusion reads the cached
# matrix: 0.3 s); beyond it, the page asks for a project, a commune or a typology (docs/matching.md).
MAX_PLAN_CELLS = 200_000


def _household_crumbs(household, label):
    try:
        url = reverse("households:detail", kwargs={"pk": household.pk})
    except NoReverseMatch:
        url = ""
    return [
        {"label": "Ménages", "url": ""},
        {"label": label, "url": url},
        {"label": "Offres adaptées", "url": ""},
    ]


def household_offers(request, pk):
    household = get_household_for_user(
        request.user, pk, queryset=Household.objects.select_related("project", "building")
    )
    if not predicates.can_view_resources(request.user, household):
        raise Http404
    provider, exact = default_provider()
    ranking = selectors.rank_offers_for_household(request.user, household, rac_provider=provider)
    page = Paginator(list(ranking.order), PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.explain_ranked(request.user, household, ranking, ranking.ranked(page.object_list))
    label = selectors.household_label(request.user, household)
    why = None
    why_error = ""
    reference = request.GET.get("offre", "").strip()
    if reference:
        offer = (
            HousingOffer.objects.visible_to(request.user).filter(reference=reference).order_by("pk").first()
        )
        if offer is None:
            why_error = (
                f"Aucune offre de référence « {reference} » parmi les offres que vous pouvez consulter."
            )
        else:
            verdicts = selectors.explain_one_offer(request.user, household, offer, rac_provider=provider)
            why = {
                "offer": offer,
                "verdicts": verdicts,
                "excluded": [v for v in verdicts if v.excluded],
                "available": offer.status == "available",
            }
    return render(
        request,
        "matching/household_offers.html",
        {
            "household": household,
            "label": label,
            "ranking": ranking,
            "page": page,
            "items": items,
            "first_rank": page.start_index(),
            "exact_rac": exact,
            # The profile the residual rents were computed with (set by the engine provider).
            "assumptions": getattr(ranking.household.profile, "assumptions", ()),
            "why": why,
            "why_error": why_error,
            "reference": reference,
            # "Positionner" on each line: the offers app's positioning page, preset on the household,
            # shows the residual rent before and after and asks a reason when a wish is broken.
            "can_position": predicates.can_position_households(request.user),
            "position_query": f"household={household.pk}",
            "breadcrumbs": _household_crumbs(household, label),
        },
    )


def offer_households(request, pk):
    if not predicates.can_view_offer_matches(request.user):
        raise Http404
    offer = get_for_user(HousingOffer.objects.select_related("commune", "landlord"), request.user, pk=pk)
    provider, exact = default_provider()
    # With the engine, the selector computes every household at once (None); else the estimate.
    result = selectors.households_for_offer(request.user, offer, rac_provider=None if exact else provider)
    page = Paginator(result.matches, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.explain_matches(request.user, result, list(page.object_list))
    return render(
        request,
        "matching/offer_households.html",
        {
            "offer": offer,
            "page": page,
            "result": result,
            "limited": len(result.matches) < result.candidates - result.filtered_out,
            "exact_rac": exact,
            "can_position": predicates.can_position_households(request.user)
            and offer.status in (OfferStatus.AVAILABLE, OfferStatus.POSITIONED),
            "breadcrumbs": [
                {"label": "Offres", "url": ""},
                {"label": offer.reference or str(offer), "url": ""},
            ],
        },
    )


# --- Plan ------------------------------------------------------------------------------------------


def _perimeters(user):
    projects = list(Project.objects.visible_to(user).order_by("name").values_list("pk", "name"))
    communes = list(
        Commune.objects.filter(pk__in=Building.objects.visible_to(user).values("commune_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    choices = [("", "Tout mon périmètre")]
    choices += [(f"projet-{pk}", f"Projet : {name}") for pk, name in projects]
    choices += [(f"commune-{pk}", f"Commune : {name}") for pk, name in communes]
    return choices


def _perimeter_households(user, perimeter: str):
    households = Household.objects.visible_to(user)
    if not perimeter:
        return households, "Tout mon périmètre"
    kind, _, raw = perimeter.partition("-")
    if not raw.isdigit():
        raise Http404
    if kind == "projet":
        project = get_project_for_user(user, int(raw))
        return households.filter(project=project), f"Projet : {project.name}"
    if kind == "commune":
        commune = get_object_or_404(
            Commune.objects.filter(pk__in=Building.objects.visible_to(user).values("commune_id")), pk=int(raw)
        )
        return households.filter(building__commune=commune), f"Commune : {commune.name}"
    raise Http404


def position_url(user, household_pk: int, offer_pk: int) -> str:
    """The offers app's positioning page, preset on the household (a person positions, never the plan)."""
    if not predicates.can_position_households(user):
        return ""
    try:
        return reverse("offers:position", kwargs={"pk": offer_pk}) + f"?household={household_pk}"
    except NoReverseMatch:
        return ""


def _session_key(perimeter: str, typology: str = "") -> str:
    return f"matching_plan:{perimeter or 'tout'}" + (f":{typology}" if typology else "")


def _plan_offers(user, typology: str, offer_commune: str = ""):
    """The plan's offers: available ones in the user's scope, of one typology and in one commune when
    chosen (a plan too large for the page is split this way too)."""
    offers = available_offers(user)
    if typology:
        if typology not in DwellingType.values:
            raise Http404
        offers = offers.filter(dwelling_type=typology)
    if offer_commune:
        if not offer_commune.isdigit():
            raise Http404
        offers = offers.filter(commune_id=int(offer_commune))
    return offers


def _offer_communes(user):
    return list(
        Commune.objects.filter(pk__in=available_offers(user).values("commune_id"))
        .order_by("name")
        .values_list("pk", "name")
    )


@dataclass
class PlanRequest:
    """The plan's filters, read from the query string (or the form posted from the table)."""

    perimeter: str
    typology: str
    offer_commune: str
    households: object  # queryset
    perimeter_label: str
    offers: object  # queryset

    @property
    def query(self) -> str:
        pairs = (
            ("perimetre", self.perimeter),
            ("typologie", self.typology),
            ("commune_offre", self.offer_commune),
        )
        return urlencode({k: v for k, v in pairs if v})

    @property
    def session_key(self) -> str:
        key = _session_key(self.perimeter, self.typology)
        return key + (f":commune-{self.offer_commune}" if self.offer_commune else "")


def _plan_request(request) -> PlanRequest:
    def read(name):
        return request.GET.get(name, request.POST.get(name, "")).strip()

    perimeter, typology, offer_commune = read("perimetre"), read("typologie"), read("commune_offre")
    households, label = _perimeter_households(request.user, perimeter)
    offers = _plan_offers(request.user, typology, offer_commune)
    return PlanRequest(perimeter, typology, offer_commune, households, label, offers)


def _filters_context(request, plan_request: PlanRequest) -> dict:
    return {
        "perimeter": plan_request.perimeter,
        "perimeters": _perimeters(request.user),
        "typology": plan_request.typology,
        "typologies": DwellingType.choices,
        "offer_commune": plan_request.offer_commune,
        "offer_communes": _offer_communes(request.user),
        "plan_query": plan_request.query,
        "breadcrumbs": [
            {"label": "Aide à la décision", "url": ""},
            {"label": "Plan d'attribution", "url": ""},
        ],
    }


def _too_large(request, plan_request: PlanRequest):
    """The household and offer counts when the score matrix would not fit in a page's time and
    memory (the page then asks for a smaller perimeter), else None."""
    size = (
        plan_request.households.filter(status__in=selectors.CANDIDATE_STATUSES).count(),
        plan_request.offers.count(),
    )
    return size if size[0] * size[1] > MAX_PLAN_CELLS else None


def _plan_pairs(data, optimal) -> list[tuple[int, int]]:
    """The plan's pairs, most urgent household first (priority), then best suited, then reference."""
    return sorted(
        optimal.pairs,
        key=lambda pair: (
            -float(data.priority[pair[0]]),
            -float(data.suitability[pair]),
            data.households[pair[0]].reference,
        ),
    )


def _plan_rows(user, data, optimal, pairs) -> list[dict]:
    """One row per pair shown (the page, or the whole plan for the export): two queries."""
    offers = HousingOffer.objects.select_related("commune").in_bulk([int(data.table.pk[o]) for _, o in pairs])
    rows = []
    for h, o in pairs:
        household = data.households[h]
        offer = offers[int(data.table.pk[o])]
        rac = float("nan")
        if data.rac_provider is not None and predicates.can_view_resources(user, household):
            rac = float(data.rac_provider(data.contexts[h], data.table, np.array([o]))[0])
        rows.append(
            {
                "household": household,
                "label": selectors.household_label(user, household),
                "offer": offer,
                "score": float(data.suitability[h, o]),
                "priority": float(data.priority[h]),
                "urgency": _urgency(float(data.priority[h])),
                "rac": None if np.isnan(rac) else rac,
                "pinned": (h, o) in optimal.pinned,
                "forbidden": not data.allowed[h, o],
                "position_url": position_url(user, household.pk, offer.pk),
            }
        )
    return rows


def _urgency(priority: float) -> str:
    """Plain-French reading of the priority (1: demolition in two years or more, or not dated; 2:
    demolition today or past)."""
    if priority >= 1.75:
        return "Très urgent"
    if priority >= 1.5:
        return "Urgent"
    if priority > 1.0:
        return "À prévoir"
    return "Sans urgence"


def _apply_adjustment(request, plan_request: PlanRequest, data, adjustments) -> tuple[bool, str]:
    """A pin, an exclusion, their removal or a reset, posted from the table: (done, French message)."""
    key = plan_request.session_key
    action = request.POST.get("action", "")
    if action == "reset":
        request.session[key] = {"pins": [], "exclusions": []}
        return True, "Ajustements effacés : le plan est recalculé sans épinglage ni exclusion."
    row_of = {h.pk: i for i, h in enumerate(data.households)}
    col_of = {int(pk): j for j, pk in enumerate(data.table.pk)}
    try:
        h_pk, o_pk = int(request.POST.get("menage", "")), int(request.POST.get("offre", ""))
    except ValueError:
        h_pk = o_pk = -1
    if h_pk not in row_of or o_pk not in col_of or action not in {"pin", "exclude", "unpin", "unexclude"}:
        return False, "Ce ménage ou cette offre ne fait pas partie du plan : rien n'a été modifié."
    pair = [h_pk, o_pk]
    pins = [p for p in adjustments["pins"] if p != pair]
    exclusions = [p for p in adjustments["exclusions"] if p != pair]
    if action == "pin":
        # A household or an offer is pinned once: a new pin replaces the older ones it conflicts with.
        pins = [p for p in pins if p[0] != h_pk and p[1] != o_pk] + [pair]
        message = "Paire épinglée : le plan est recalculé autour d'elle."
    elif action == "exclude":
        exclusions.append(pair)
        message = "Paire exclue : le plan est recalculé sans elle."
    else:
        message = "Ajustement retiré : le plan est recalculé."
    request.session[key] = {"pins": pins, "exclusions": exclusions}
    return True, message


def _solve(request, plan_request: PlanRequest, data):
    adjustments = request.session.get(plan_request.session_key, {"pins": [], "exclusions": []})
    row_of = {h.pk: i for i, h in enumerate(data.households)}
    col_of = {int(pk): j for j, pk in enumerate(data.table.pk)}

    def to_index(pairs):
        return [(row_of[h], col_of[o]) for h, o in pairs if h in row_of and o in col_of]

    exclusions = to_index(adjustments["exclusions"])
    optimal, fcfs = selectors.compute_plan(data, pins=to_index(adjustments["pins"]), exclusions=exclusions)
    return optimal, fcfs, exclusions


@require_http_methods(["GET", "POST"])
def plan(request):
    if not predicates.can_plan_allocations(request.user):
        raise Http404
    plan_request = _plan_request(request)
    too_large = _too_large(request, plan_request)
    if too_large:
        return render(
            request,
            "matching/plan_too_large.html",
            {
                **_filters_context(request, plan_request),
                "households_count": too_large[0],
                "offers_count": too_large[1],
                "max_cells": MAX_PLAN_CELLS,
            },
        )
    data = selectors.plan_data(plan_request.households, plan_request.offers)
    query = plan_request.query
    flash = None
    if request.method == "POST":
        adjustments = request.session.get(plan_request.session_key, {"pins": [], "exclusions": []})
        done, message = _apply_adjustment(request, plan_request, data, adjustments)
        if not request.htmx:
            (messages.success if done else messages.error)(request, message)
            page_number = request.POST.get("page", "")
            target = (
                reverse("matching:plan")
                + "?"
                + "&".join(
                    part for part in (query, f"page={page_number}" if page_number.isdigit() else "") if part
                )
            )
            return redirect(target.rstrip("?"))
        # htmx: the table is redrawn in place, the message announced in its live region.
        flash = {"ok": done, "text": message}
    optimal, fcfs, exclusions = _solve(request, plan_request, data)
    pairs = _plan_pairs(data, optimal)
    page_number = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    page = Paginator(pairs, PLAN_PAGE_SIZE).get_page(page_number)
    rows = _plan_rows(request.user, data, optimal, list(page.object_list))
    assigned = {h for h, _ in optimal.pairs}
    unassigned = [
        {
            "label": selectors.household_label(request.user, data.households[i]),
            "household": data.households[i],
            "options": int(data.allowed[i].sum()),
        }
        for i in range(len(data.households))
        if i not in assigned
    ]
    excluded_rows = [
        {
            "household": selectors.household_label(request.user, data.households[h]),
            "offer": data.table.reference[o],
            "h": data.households[h].pk,
            "o": int(data.table.pk[o]),
        }
        for h, o in exclusions
    ]
    context = {
        **_filters_context(request, plan_request),
        "perimeter_label": plan_request.perimeter_label,
        "pagination_query": f"{query}&" if query else "",
        "households_count": len(data.households),
        "offers_count": len(data.table),
        "optimal": optimal,
        "fcfs": fcfs,
        "gain": optimal.objective - fcfs.objective,
        "page": page,
        "rows": rows,
        "unassigned": unassigned,
        "exclusions": excluded_rows,
        "flash": flash,
        "show_rac": any(row["rac"] is not None for row in rows),
        "export_url": reverse("matching:plan_export") + (f"?{query}" if query else ""),
    }
    template = "matching/_plan_body.html" if request.htmx else "matching/plan.html"
    return render(request, template, context)


PLAN_EXPORT_COLUMNS = (
    "Rang",
    "Ménage",
    "Démolition prévue",
    "Urgence",
    "Priorité (1 à 2)",
    "Offre proposée",
    "Commune de l'offre",
    "Typologie",
    "Adéquation (%)",
    "Reste à charge estimé (€/mois)",
    "Épinglée",
    "Critère bloquant non respecté",
)


@require_http_methods(["GET"])
def plan_export(request):
    """The plan as shown (same filters, pins and exclusions, same labels for the role) in one XLSX
    sheet; the households it names are logged as read (as the household list's exports)."""
    if not predicates.can_plan_allocations(request.user):
        raise Http404
    plan_request = _plan_request(request)
    if _too_large(request, plan_request):
        messages.error(
            request, "Le plan est trop grand pour être exporté : choisissez un périmètre plus petit."
        )
        return redirect(reverse("matching:plan") + (f"?{plan_request.query}" if plan_request.query else ""))
    data = selectors.plan_data(plan_request.households, plan_request.offers)
    optimal, _, _ = _solve(request, plan_request, data)
    rows = _plan_rows(request.user, data, optimal, _plan_pairs(data, optimal))
    if predicates.can_view_named_data(request.user):
        file_reads_record(
            user=request.user,
            household_ids=sorted({row["household"].pk for row in rows}),
            what="export plan d'attribution",
        )
    content = _plan_xlsx(plan_request, rows)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="plan-attribution-{date.today():%Y%m%d}.xlsx"'
    return response


def _plan_xlsx(plan_request: PlanRequest, rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan d'attribution"
    title = f"Plan d'attribution — {plan_request.perimeter_label}"
    if plan_request.typology:
        title += f", offres {plan_request.typology}"
    ws.append([openpyxl_cell(ws, f"{title} — {date.today():%d/%m/%Y}")])
    ws["A1"].font = Font(bold=True)
    ws.append([openpyxl_cell(ws, label) for label in PLAN_EXPORT_COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for rank, row in enumerate(rows, start=1):
        demolition = row["household"].building.planned_demolition_date
        values = [
            rank,
            row["label"],
            demolition,
            row["urgency"],
            round(row["priority"], 2),
            row["offer"].reference or str(row["offer"].pk),
            row["offer"].commune.name,
            row["offer"].dwelling_type,
            round(row["score"], 4),
            round(row["rac"], 2) if row["rac"] is not None else None,
            "oui" if row["pinned"] else "non",
            "oui" if row["forbidden"] else "non",
        ]
        ws.append([openpyxl_cell(ws, value) for value in values])
        line = ws.max_row
        ws.cell(line, 3).number_format = "DD/MM/YYYY"
        ws.cell(line, 9).number_format = "0%"
        ws.cell(line, 10).number_format = "#,##0.00"
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{ws.cell(2, len(PLAN_EXPORT_COLUMNS)).column_letter}{max(ws.max_row, 2)}"
    for index, width in enumerate((6, 32, 14, 12, 10, 14, 20, 10, 12, 16, 10, 14), start=1):
        ws.column_dimensions[ws.cell(2, index).column_letter].width = width
    output = io.BytesIO()
    wb.save(output)
    return output.getvalue()


# --- Risk and weights ------------------------------------------------------------------------------


def risk(request):
    org = organisation_of(request.user)
    if org is None or org.kind == OrganisationKind.ADMIN:
        raise Http404
    buildings = Building.objects.visible_to(request.user)
    project_pk = request.GET.get("projet", "")
    project = None
    if project_pk:
        if not project_pk.isdigit():
            raise Http404
        project = get_project_for_user(request.user, int(project_pk))
        buildings = buildings.filter(project=project)
    only = request.GET.get("a_risque") == "1"
    risks = building_risks(request.user, buildings, only_at_risk=only)
    return render(
        request,
        "matching/risk.html",
        {
            "risks": risks,
            "project": project,
            "only": only,
            "only_at_risk": only,
            "projects": Project.objects.visible_to(request.user).order_by("name"),
            "at_risk_count": sum(1 for r in risks if r.at_risk),
            "breadcrumbs": [
                {"label": "Aide à la décision", "url": ""},
                {"label": "Risque sur le calendrier", "url": ""},
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def weights(request, pk):
    if not predicates.can_edit_matching_weights(request.user):
        raise Http404
    project = get_project_for_user(request.user, pk)
    preview = None
    if request.method == "POST":
        form = WeightsForm(request.POST, project=project)
        if form.is_valid():
            if request.POST.get("action") == "save":
                try:
                    project_set_matching_weights(
                        project=project, weights=form.weights(), options=form.options(), actor=request.user
                    )
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, "Pondération enregistrée.")
                    return redirect("matching:weights", pk=project.pk)
            else:
                preview = weights_preview(request.user, project, form.weights(), form.options())
    else:
        form = WeightsForm(project=project)
    return render(
        request,
        "matching/weights.html",
        {
            "project": project,
            "form": form,
            "preview": preview,
            "defaults": registry.default_weights(),
            "criteria": registry.all_criteria(),
            "breadcrumbs": [
                {"label": "Projets", "url": reverse("project_list")},
                {"label": project.name, "url": reverse("project_detail", kwargs={"pk": project.pk})},
                {"label": "Pondération des critères", "url": ""},
            ],
        },
    )
