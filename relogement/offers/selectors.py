"""Reads of the offers area that are more than a filter."""

from __future__ import annotations

from django.core.paginator import Paginator

from relogement.households.models import Household
from relogement.offers import proposal_states
from relogement.offers.models import HousingOffer, Proposal
from relogement.offers.offer_rules import offer_count
from relogement.offers.residual_rent import estimate_before, estimate_for_offer
from relogement.offers.services import POSITIONABLE_HOUSEHOLD_STATUSES
from relogement.permissions import predicates


def household_label(user, household) -> str:
    """Reference and name for roles with named data, the pseudonym for the others (metropolis)."""
    if predicates.can_view_names(user, household):
        name = f" — {household.reference_name}" if household.reference_name else ""
        return f"{household.reference}{name}"
    return household.pseudonym


def offers_page(user, *, filter_form, page_number, per_page: int = 25):
    queryset = filter_form.filter(
        HousingOffer.objects.visible_to(user)
        .select_related("commune", "landlord")
        .order_by("available_from", "pk")
    )
    return Paginator(queryset, per_page).get_page(page_number)


def positionable_households(user, offer):
    """Households of the user's scope that may be positioned on the offer (not already on it)."""
    already = Proposal.objects.filter(offer=offer, status__in=proposal_states.ACTIVE).values("household_id")
    return (
        Household.objects.visible_to(user)
        .filter(status__in=POSITIONABLE_HOUSEHOLD_STATUSES)
        .exclude(pk__in=already)
        .select_related("project")
        .order_by("reference")
    )


def offer_proposals(user, offer):
    """Proposals on the offer whose household the user may see, with their households."""
    return list(
        Proposal.objects.visible_to(user)
        .filter(offer=offer)
        .select_related("household", "household__project")
        .order_by("positioned_at", "pk")
    )


def rent_comparison(user, household, offer=None):
    """Residual rent before / after for roles allowed to see resources; None otherwise."""
    if not predicates.can_view_resources(user, household):
        return None
    return {
        "before": estimate_before(household),
        "after": estimate_for_offer(household, offer) if offer is not None else None,
    }


def _rehousings(household) -> list:
    """The household's rehousings by move-in date: those the file page already read
    (``households.selectors.household_file`` prefetches them in this order), else one query."""
    if "rehousings" in getattr(household, "_prefetched_objects_cache", {}):
        return list(household.rehousings.all())
    return list(household.rehousings.select_related("commune").order_by("move_in_date", "pk"))


def household_offers(user, household) -> dict:
    """Context of the ``offers/_household_offers.html`` include of the household page."""
    # One read of the proposals for the count (the notified ones) and the open ones.
    proposals = list(household.proposals.select_related("commune", "offer__commune"))
    return {
        "offer_count": offer_count(household, proposals),
        "open_proposals": sorted(
            (p for p in proposals if p.status in proposal_states.ACTIVE),
            key=lambda p: (p.positioned_at, p.pk),
        ),
        "rehousings": _rehousings(household),
        "household": household,
        "project": household.project,
    }


def ranked_positionable(user, offer, households, *, query: str = "") -> list[dict]:
    """The households that may be positioned on the offer, best suited first (the offer → households
    ranking of the decision support), then those it does not rank (excluded beforehand by a hard
    criterion, or already with a proposal in progress), by reference. ``query`` keeps those whose
    reference, pseudonym (or name, for roles that see names) contains it.

    Rows: ``{"household", "fit" (0–1 or None), "excluded" (a hard criterion not met)}``.
    """
    from django.db.models import Q

    from relogement.matching import residual_rent as matching_rac
    from relogement.matching.selectors import households_for_offer

    if query:
        condition = Q(reference__icontains=query) | Q(pseudonym__icontains=query)
        if predicates.can_view_named_data(user):
            condition |= Q(reference_name__icontains=query)
        households = households.filter(condition)
    rows = list(households.only("pk", "reference", "pseudonym", "reference_name", "status", "project_id"))
    if not rows:
        return []
    provider, exact = matching_rac.default_provider()
    result = households_for_offer(
        user, offer, rac_provider=None if exact else provider, limit=len(rows) + 10_000
    )
    fit = {m.context.pk: m for m in result.matches}

    def key(household):
        match = fit.get(household.pk)
        if match is None:
            return (2, 0.0, household.reference)
        return (1 if match.excluded else 0, -match.total, household.reference)

    rows.sort(key=key)
    return [
        {
            "household": h,
            "fit": fit[h.pk].total if h.pk in fit else None,
            "excluded": fit[h.pk].excluded if h.pk in fit else None,
        }
        for h in rows
    ]
