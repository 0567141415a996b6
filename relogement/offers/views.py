"""Views of the offers journey: offers, positioning, proposals and their decisions, legal deadlines.

Every object is fetched through the user's scope; a user without the right gets a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from relogement.core.errors import DomainError
from relogement.households.models import Household
from relogement.offers import forms, offer_rules, proposal_states, selectors, services
from relogement.offers.compliance import default_compliance
from relogement.offers.models import HousingOffer, OfferStatus, Proposal
from relogement.offers.residual_rent import estimate_before, estimate_for_offer
from relogement.offers.wishes import broken_wishes
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of


def _crumbs(*items):
    return [{"label": "Offres", "url": reverse("offers:list")}] + [
        {"label": label, "url": url} for label, url in items
    ]


def _own_offer(request, pk) -> HousingOffer:
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user), pk=pk)
    if (
        not predicates.can_manage_offers(request.user)
        or offer.landlord_id != organisation_of(request.user).pk
    ):
        raise Http404
    return offer


def offer_list(request):
    from relogement.permissions.scopes import organisation_of

    landlord = organisation_of(request.user) if predicates.can_manage_offers(request.user) else None
    filter_form = forms.OfferFilterForm(request.GET or None, landlord=landlord)
    page = selectors.offers_page(request.user, filter_form=filter_form, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offers/offer_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "query": query.urlencode(),
            "can_publish": predicates.can_manage_offers(request.user),
            "breadcrumbs": [{"label": "Offres", "url": ""}],
        },
    )


def offer_create(request):
    if not predicates.can_manage_offers(request.user):
        raise Http404
    form = forms.OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_publish(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Offre publiée.")
            return redirect("offers:detail", pk=offer.pk)
    return render(
        request,
        "offers/offer_form.html",
        {"form": form, "title": "Publier une offre", "breadcrumbs": _crumbs(("Publier une offre", ""))},
    )


def offer_edit(request, pk):
    offer = _own_offer(request, pk)
    form = forms.OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Offre modifiée.")
            return redirect("offers:detail", pk=offer.pk)
    return render(
        request,
        "offers/offer_form.html",
        {
            "form": form,
            "offer": offer,
            "title": f"Modifier l'offre {offer.reference or offer.pk}",
            "breadcrumbs": _crumbs((str(offer), reverse("offers:detail", args=[offer.pk])), ("Modifier", "")),
        },
    )


@require_POST
def offer_withdraw(request, pk):
    offer = _own_offer(request, pk)
    form = forms.ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Indiquez le motif du retrait de l'offre.")
        services.offer_withdraw(offer=offer, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Offre retirée.")
    return redirect("offers:detail", pk=offer.pk)


def offer_detail(request, pk):
    offer = get_object_or_404(
        HousingOffer.objects.visible_to(request.user).select_related("commune", "landlord"), pk=pk
    )
    rows = []
    for proposal in selectors.offer_proposals(request.user, offer):
        household = proposal.household
        rows.append(
            {
                "proposal": proposal,
                "label": selectors.household_label(request.user, household),
                "rent": selectors.rent_comparison(request.user, household, offer)
                if proposal.status in proposal_states.ACTIVE
                else None,
            }
        )
    is_owner = (
        predicates.can_manage_offers(request.user) and offer.landlord_id == organisation_of(request.user).pk
    )
    return render(
        request,
        "offers/offer_detail.html",
        {
            "offer": offer,
            "rows": rows,
            "is_owner": is_owner,
            "can_edit": is_owner and offer.status not in (OfferStatus.LET, OfferStatus.WITHDRAWN),
            "can_position": predicates.can_position_households(request.user)
            and offer.status in (OfferStatus.AVAILABLE, OfferStatus.POSITIONED),
            "withdraw_form": forms.ReasonForm(),
            "breadcrumbs": _crumbs((str(offer), "")),
        },
    )


POSITION_PAGE_SIZE = 20


def offer_position(request, pk):
    """Choose a household among those ranked by fit for the offer (searchable), preview its residual
    rent and the needs-and-means checks, then position it through ``services.proposal_position``. An
    offer that contradicts the household's wishes says which ones and asks a confirmation with a reason.
    """
    if not predicates.can_position_households(request.user):
        raise Http404
    offer = get_object_or_404(
        HousingOffer.objects.visible_to(request.user).select_related("commune", "landlord"), pk=pk
    )
    households = selectors.positionable_households(request.user, offer)
    query = " ".join(request.GET.get("q", "").split())[:100]
    data = request.POST if request.method == "POST" else (request.GET if "household" in request.GET else None)
    form = forms.PositionForm(data, households=households)
    if request.htmx and data is None:
        candidates = selectors.ranked_positionable(request.user, offer, households, query=query)
        return render(
            request,
            "offers/_position_candidates.html",
            _candidates_context(request, offer, candidates, query),
        )
    preview = None
    if data is not None and form.is_valid():
        household = form.cleaned_data["household"]
        after = estimate_for_offer(household, offer)
        broken = broken_wishes(household, offer, after=after)
        if request.method == "POST":
            reason = form.cleaned_data.get("wishes_reason", "")
            if broken and not (form.cleaned_data.get("wishes_confirmed") and reason):
                form.add_error(
                    "wishes_reason",
                    "Cette offre contredit les souhaits du ménage : cochez la confirmation et indiquez "
                    "le motif du positionnement.",
                )
            else:
                try:
                    proposal = services.proposal_position(
                        offer=offer,
                        household=household,
                        actor=request.user,
                        wishes_reason=reason if broken else "",
                        after=after,
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        "Ménage positionné sur l'offre, malgré des souhaits non respectés : le motif "
                        "est enregistré dans l'historique de la proposition."
                        if broken
                        else "Ménage positionné sur l'offre.",
                    )
                    return redirect("offers:proposal", pk=proposal.pk)
        compliant, checks = default_compliance(
            household,
            dwelling_type=offer.dwelling_type,
            living_area=offer.living_area,
            offer=offer,
            estimate=after,
        )
        resources = predicates.can_view_resources(request.user, household)
        preview = {
            "household": household,
            "label": selectors.household_label(request.user, household),
            "before": estimate_before(household) if resources else None,
            "after": after if resources else None,
            "compliant": compliant,
            "checks": checks,
            # The residual-rent wish is the household's resources: named only to who may see them.
            "broken": [b for b in broken if resources or b.wish != "reste_a_charge"],
            "hidden_broken": 0 if resources else sum(1 for b in broken if b.wish == "reste_a_charge"),
            "wishes_broken": bool(broken),
        }
    context = {
        "offer": offer,
        "form": form,
        "preview": preview,
        "query": query,
        "breadcrumbs": _crumbs((str(offer), reverse("offers:detail", args=[offer.pk])), ("Positionner", "")),
    }
    if preview is None:
        candidates = selectors.ranked_positionable(request.user, offer, households, query=query)
        context.update(_candidates_context(request, offer, candidates, query))
    return render(
        request,
        "offers/offer_position.html",
        context,
        status=400 if form.errors and request.method == "POST" else 200,
    )


def _candidates_context(request, offer, candidates, query):
    page = Paginator(candidates, POSITION_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["label"] = selectors.household_label(request.user, row["household"])
    return {
        "offer": offer,
        "candidates": page,
        "query": query,
        "pagination_query": urlencode({"q": query}) + "&" if query else "",
        "position_url": reverse("offers:position", args=[offer.pk]),
    }


ACTION_FORMS = {
    "notify": forms.NotifyForm,
    "accept": forms.AcceptForm,
    "refuse": forms.RefuseForm,
    "withdraw": forms.ReasonForm,
    "commission": forms.CommissionForm,
    "sign_lease": forms.LeaseForm,
    "move_in": forms.MoveInForm,
    "compliance": forms.ComplianceForm,
}
COMMISSION_ACTIONS = {"allocate", "reject", "postpone"}


def _get_proposal(request, pk) -> Proposal:
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related(
            "household", "household__project", "offer", "offer__commune", "offer__landlord", "commune"
        ),
        pk=pk,
    )


def _available_forms(request, proposal, bound=None):
    """(action, title, button, form) for each action the user may apply now; ``bound`` replaces one form."""
    allowed = {r.action for r in proposal_states.allowed_actions(proposal, request.user)}
    result = []
    titles = {
        "notify": "Notifier la proposition",
        "accept": "Acceptation du ménage",
        "refuse": "Refus du ménage",
        "commission": "Commission d'attribution (CALEOL)",
        "sign_lease": "Signature du bail",
        "move_in": "Emménagement",
        "withdraw": "Retirer la proposition",
        "compliance": "Corriger la conformité de l'offre",
    }
    # The button says what happens, the heading what the form is about.
    buttons = {
        "notify": "Notifier la proposition",
        "accept": "Enregistrer l'acceptation",
        "refuse": "Enregistrer le refus",
        "commission": "Enregistrer la décision de la CALEOL",
        "sign_lease": "Enregistrer la signature du bail",
        "move_in": "Enregistrer l'emménagement",
        "withdraw": "Retirer la proposition",
        "compliance": "Corriger la conformité",
    }
    wanted = [a for a in ("notify", "accept", "refuse", "sign_lease", "move_in", "withdraw") if a in allowed]
    if allowed & COMMISSION_ACTIONS:
        wanted.insert(0, "commission")
    if proposal.notified_date and predicates.can_position_households(request.user):
        wanted.append("compliance")
    for action in wanted:
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = ACTION_FORMS[action](prefix=action, initial=_initial(action, proposal))
        result.append((action, titles[action], buttons[action], form))
    return result


def _initial(action, proposal):
    if action == "move_in" and proposal.offer_id:
        after = estimate_for_offer(proposal.household, proposal.offer)
        if after.available:
            return {"apl": after.apl, "rls": after.rls}
    if action == "compliance":
        return {"is_compliant": "oui" if proposal.is_compliant else "non", "note": proposal.compliance_note}
    return {}


def proposal_detail(request, pk, bound=None, status=200):
    proposal = _get_proposal(request, pk)
    household = proposal.household
    return render(
        request,
        "offers/proposal_detail.html",
        {
            "proposal": proposal,
            "label": selectors.household_label(request.user, household),
            "transitions": proposal.transitions.select_related("actor").order_by("created_at", "pk"),
            "action_forms": _available_forms(request, proposal, bound),
            "rent": selectors.rent_comparison(request.user, household, proposal.offer),
            "breadcrumbs": _crumbs(
                *(
                    [(str(proposal.offer), reverse("offers:detail", args=[proposal.offer_id]))]
                    if proposal.offer_id
                    else []
                ),
                ("Proposition", ""),
            ),
        },
        status=status,
    )


# What each action saved, said plainly (issue 18: « Enregistré. » alone did not say what).
SAVED = {
    "notify": "Proposition notifiée au ménage : dates de notification, de visite et de réponse enregistrées.",
    "accept": "Acceptation du ménage enregistrée.",
    "refuse": "Refus du ménage enregistré, avec son motif.",
    "withdraw": "Proposition retirée, avec son motif.",
    "commission": "Décision de la CALEOL enregistrée.",
    "sign_lease": "Signature du bail enregistrée.",
    "compliance": "Conformité de l'offre au regard des souhaits du ménage enregistrée.",
}


@require_POST
def proposal_action(request, pk, action):
    proposal = _get_proposal(request, pk)
    if action not in ACTION_FORMS:
        raise Http404
    if action == "commission":
        permitted = predicates.can_record_commission(request.user)
    elif action == "compliance":
        permitted = predicates.can_position_households(request.user)
    else:
        permitted = proposal_states.RULES[action].allowed(request.user)
    if not permitted:
        raise Http404
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        return proposal_detail(request, pk, bound=(action, form), status=400)
    data = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
    user = request.user
    try:
        if action == "notify":
            services.proposal_notify(proposal=proposal, actor=user, **data)
        elif action == "accept":
            services.proposal_accept(proposal=proposal, actor=user, **data)
        elif action == "refuse":
            services.proposal_refuse(proposal=proposal, actor=user, **data)
        elif action == "withdraw":
            services.proposal_withdraw(proposal=proposal, actor=user, reason=data["reason"])
        elif action == "commission":
            services.proposal_record_commission(proposal=proposal, actor=user, **data)
        elif action == "sign_lease":
            services.proposal_sign_lease(proposal=proposal, actor=user, **data)
        elif action == "move_in":
            rehousing = services.proposal_move_in(proposal=proposal, actor=user, **data)
            messages.success(request, "Emménagement enregistré : le relogement est créé.")
            return redirect("rehousing:detail", pk=rehousing.pk)
        elif action == "compliance":
            services.proposal_set_compliance(proposal=proposal, actor=user, **data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return proposal_detail(request, pk, bound=(action, form), status=400)
    messages.success(request, SAVED[action])
    return redirect("offers:proposal", pk=proposal.pk)


def deadlines(request):
    page = offer_rules.legal_deadlines_page(request.user, page_number=request.GET.get("page"))
    rows = [
        {"row": row, "label": selectors.household_label(request.user, row.household)}
        for row in page.object_list
    ]
    return render(
        request,
        "offers/deadlines.html",
        {"page": page, "rows": rows, "query": "", "breadcrumbs": _crumbs(("Échéances légales", ""))},
    )


def household_offers_panel(request, household_pk):
    """The household's offers panel (also usable through htmx from the household page)."""
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("project"), pk=household_pk
    )
    return render(
        request, "offers/_household_offers.html", selectors.household_offers(request.user, household)
    )
