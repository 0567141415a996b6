"""The APL/RLS simulator: a social worker types a situation and sees the benefit and the residual rent."""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from relogement.benefits import engine
from relogement.benefits.forms import SimulatorForm
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError
from relogement.core.formatting import format_euros
from relogement.permissions import predicates


def simulator(request):
    """GET only: the simulation changes nothing, and its URL can be bookmarked or shared."""
    if not predicates.can_use_benefits_simulator(request.user):
        raise Http404
    submitted = "rent" in request.GET
    data = request.GET.copy()
    if submitted and "stock" not in data:
        # Links made before the stock kinds: the "social housing" box, unchecked meaning private.
        data["stock"] = StockKind.SOCIAL if data.get("social_housing") else StockKind.PRIVATE_UNFURNISHED
    form = SimulatorForm(data if submitted else None)
    result = error = commune_name = rent_and_charges = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        try:
            result = engine.compute_benefits(
                profile=form.profile(),
                insee_code=data["commune"],
                rent=data["rent"],
                charges=data["charges"],
                stock=data["stock"],
                month=data["month"],
            )
        except DomainError as exception:
            error = exception.message
        else:
            commune_name = dict(form.fields["commune"].choices).get(data["commune"], data["commune"])
            rent_and_charges = data["rent"] + data["charges"]
    context = {
        "form": form,
        "submitted": submitted,
        "result": result,
        "error": error,
        "commune_name": commune_name,
        "rent_and_charges": rent_and_charges,
        "persons": _persons(result) if result else [],
        "detailed": submitted
        and any(key.startswith("adult") and value for key, value in request.GET.items()),
        "breadcrumbs": [
            {"label": "Accueil", "url": reverse("home")},
            {"label": "Simulateur APL / RLS", "url": ""},
        ],
    }
    template = "benefits/_result.html" if request.htmx else "benefits/simulator.html"
    return render(request, template, context)


def _persons(result) -> list[dict]:
    """Each adult of the result's inputs in plain words (children are on their own line)."""
    from relogement.benefits.forms import SITUATION_CHOICES
    from relogement.offers.residual_rent import INCOME_LABELS

    situations = dict(SITUATION_CHOICES)
    roles = {"reference": "Personne de référence", "spouse": "Conjoint(e)", "other": "Autre adulte"}
    shown = []
    for person in result.inputs.get("persons", []):
        if person["role"] == "child":
            continue
        incomes = [
            f"{label} {format_euros(Decimal(person[key]))}"
            for key, label in INCOME_LABELS.items()
            if key in person
        ]
        text = (
            f"{person['age']} ans, {situations.get(person['situation'], 'situation non renseignée').lower()}"
        )
        shown.append(
            {"label": roles[person["role"]], "text": text + (" — " + ", ".join(incomes) if incomes else "")}
        )
    return shown


def potential_rights(request, pk):
    """The household's potential rights (assigned social provider only, 404 otherwise); a read of the
    file, logged as such. The household page loads it with htmx; without JavaScript, a page."""
    from relogement.audit.services import file_read_record
    from relogement.benefits.rights import potential_rights as check_rights
    from relogement.households.models import Household
    from relogement.permissions.shortcuts import get_household_for_user

    household = get_household_for_user(
        request.user, pk, queryset=Household.objects.select_related("building__commune")
    )
    if not predicates.can_view_potential_rights(request.user, household):
        raise Http404
    file_read_record(user=request.user, household=household, what="droits potentiels")
    context = {
        "household": household,
        "check": check_rights(household),
        "breadcrumbs": [
            {"label": "Ménages", "url": reverse("households:list")},
            {"label": household.reference, "url": reverse("households:detail", args=[household.pk])},
            {"label": "Droits potentiels", "url": ""},
        ],
    }
    template = "benefits/_potential_rights.html" if request.htmx else "benefits/potential_rights.html"
    return render(request, template, context)
