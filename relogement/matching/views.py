"""Decision-support pages, grouped by journey: a household's offers, an offer's households, the plan,
the demolition risk, the criteria weights. Every object comes through the user's scope (404 outside)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from relogement.accounts.models import OrganisationKind
from relogement.core.errors import DomainError
from relogement.households.models import Household
from relogement.matching import registry, selectors
from relogement.matching.context import available_offers
from relogement.matching.forms import WeightsForm
from relogement.matching.preview import weights_preview
from relogement.matching.residual_rent import default_provider
from relogement.matching.risk import building_risks
from relogement.matching.services import project_set_matching_weights
from relogement.offers.models import HousingOffer
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


def _plan_offers(user, typology: str):
    """The plan's offers: available ones in the user's scope, of one typology when one is chosen (a
    plan too large for the page is split this way too)."""
    offers = available_offers(user)
    if not typology:
        return offers
    if typology not in DwellingType.values:
        raise Http404
    return offers.filter(dwelling_type=typology)


@require_http_methods(["GET", "POST"])
def plan(request):
    if not predicates.can_plan_allocations(request.user):
        raise Http404
    perimeter = request.GET.get("perimetre", request.POST.get("perimetre", ""))
    typology = request.GET.get("typologie", request.POST.get("typologie", ""))
    households_qs, perimeter_label = _perimeter_households(request.user, perimeter)
    offers_qs = _plan_offers(request.user, typology)
    query = urlencode({k: v for k, v in (("perimetre", perimeter), ("typologie", typology)) if v})
    size = (
        households_qs.filter(status__in=selectors.CANDIDATE_STATUSES).count(),
        offers_qs.count(),
    )
    if size[0] * size[1] > MAX_PLAN_CELLS:
        # The score matrix would not fit in a page's time and memory: ask for a smaller perimeter.
        return render(
            request,
            "matching/plan_too_large.html",
            {
                "perimeter": perimeter,
                "perimeters": _perimeters(request.user),
                "typology": typology,
                "typologies": DwellingType.choices,
                "households_count": size[0],
                "offers_count": size[1],
                "max_cells": MAX_PLAN_CELLS,
                "breadcrumbs": [
                    {"label": "Aide à la décision", "url": ""},
                    {"label": "Plan d'attribution", "url": ""},
                ],
            },
        )
    data = selectors.plan_data(households_qs, offers_qs)
    key = _session_key(perimeter, typology)
    adjustments = request.session.get(key, {"pins": [], "exclusions": []})
    row_of = {h.pk: i for i, h in enumerate(data.households)}
    col_of = {int(pk): j for j, pk in enumerate(data.table.pk)}

    if request.method == "POST":
        action = request.POST.get("action", "")
        target = reverse("matching:plan") + (f"?{query}" if query else "")
        if action == "reset":
            request.session[key] = {"pins": [], "exclusions": []}
            messages.success(
                request, "Ajustements effacés : le plan est recalculé sans épinglage ni exclusion."
            )
            return redirect(target)
        try:
            h_pk, o_pk = int(request.POST.get("menage", "")), int(request.POST.get("offre", ""))
        except ValueError:
            h_pk = o_pk = -1
        if h_pk not in row_of or o_pk not in col_of or action not in {"pin", "exclude", "unpin", "unexclude"}:
            messages.error(
                request, "Ce ménage ou cette offre ne fait pas partie du plan : rien n'a été modifié."
            )
            return redirect(target)
        pair = [h_pk, o_pk]
        pins = [p for p in adjustments["pins"] if p != pair]
        exclusions = [p for p in adjustments["exclusions"] if p != pair]
        if action == "pin":
            # A household or an offer is pinned once: a new pin replaces the older ones it conflicts with.
            pins = [p for p in pins if p[0] != h_pk and p[1] != o_pk] + [pair]
            messages.success(request, "Paire épinglée : le plan est recalculé autour d'elle.")
        elif action == "exclude":
            exclusions.append(pair)
            messages.success(request, "Paire exclue : le plan est recalculé sans elle.")
        else:
            messages.success(request, "Ajustement retiré : le plan est recalculé.")
        request.session[key] = {"pins": pins, "exclusions": exclusions}
        return redirect(target)

    def to_index(pairs):
        return [(row_of[h], col_of[o]) for h, o in pairs if h in row_of and o in col_of]

    pins = to_index(adjustments["pins"])
    exclusions = to_index(adjustments["exclusions"])
    optimal, fcfs = selectors.compute_plan(data, pins=pins, exclusions=exclusions)
    page = Paginator(optimal.pairs, PLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    offers = HousingOffer.objects.select_related("commune").in_bulk(
        [int(data.table.pk[o]) for _, o in page.object_list]
    )
    rows = []
    for h, o in page.object_list:
        household = data.households[h]
        offer = offers[int(data.table.pk[o])]
        rows.append(
            {
                "household": household,
                "label": selectors.household_label(request.user, household),
                "offer": offer,
                "score": float(data.suitability[h, o]),
                "priority": float(data.priority[h]),
                "pinned": (h, o) in optimal.pinned,
                "forbidden": not data.allowed[h, o],
                "position_url": position_url(request.user, household.pk, offer.pk),
            }
        )
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
    return render(
        request,
        "matching/plan.html",
        {
            "perimeter": perimeter,
            "perimeter_label": perimeter_label,
            "perimeters": _perimeters(request.user),
            "typology": typology,
            "typologies": DwellingType.choices,
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
            "breadcrumbs": [
                {"label": "Aide à la décision", "url": ""},
                {"label": "Plan d'attribution", "url": ""},
            ],
        },
    )


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
