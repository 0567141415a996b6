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


def household_offers(user, household) -> dict:
    """Context of the ``offers/_household_offers.html`` include of the household page."""
    count = offer_count(household)
    return {
        "offer_count": count,
        "open_proposals": list(
            household.proposals.filter(status__in=proposal_states.ACTIVE)
            .select_related("offer", "offer__commune")
            .order_by("positioned_at")
        ),
        "rehousings": list(household.rehousings.select_related("commune").order_by("move_in_date")),
        "household": household,
        "project": household.project,
    }
