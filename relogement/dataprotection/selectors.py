"""Reads of the DPO pages: the explicit search that opens a household to the DPO, and the fetches of
one household for the DPO or for the information notice (404 outside the rule).

The administration reaches no household through the scope (docs/architecture.md). The DPO tools are
the one exception: a household is opened only after the DPO searched it by its exact reference or
pseudonym (no name search: no browsing), the households found are remembered in the session, and
every page of a found household is written to the read log (views)."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from relogement.households.models import Household
from relogement.permissions.predicates import can_handle_data_subject_requests, can_print_information_notice
from relogement.permissions.shortcuts import get_household_for_user

SEARCH_LIMIT = 20
FOUND_KEY = "dataprotection_found"
FOUND_LIMIT = 50


def dpo_search(*, query: str) -> list[Household]:
    """Households whose reference or pseudonym is exactly ``query`` (any case), at most SEARCH_LIMIT;
    the reference is unique per project only, so one reference may name several households."""
    query = (query or "").strip()
    if not query:
        return []
    return list(
        Household.objects.filter(Q(reference__iexact=query) | Q(pseudonym__iexact=query))
        .select_related("project")
        .only("pk", "reference", "pseudonym", "status", "anonymised_on", "project__name")
        .order_by("project__name", "reference")[:SEARCH_LIMIT]
    )


def remember_found(session, households: list[Household]) -> None:
    found = [h.pk for h in households] + [
        pk for pk in session.get(FOUND_KEY, []) if pk not in {h.pk for h in households}
    ]
    session[FOUND_KEY] = found[:FOUND_LIMIT]


def household_for_dpo(request, pk: int) -> Household:
    """A household the DPO found by an explicit search in this session; otherwise 404."""
    if not can_handle_data_subject_requests(request.user) or pk not in request.session.get(FOUND_KEY, []):
        raise Http404
    return get_object_or_404(Household.objects.select_related("project", "building"), pk=pk)


def household_for_notice(request, pk: int) -> tuple[Household, bool]:
    """The household whose notice is printed, and whether it is the DPO's exception (True) or the
    file of a household in the user's scope that they keep (can_print_information_notice)."""
    if can_handle_data_subject_requests(request.user):
        return household_for_dpo(request, pk), True
    household = get_household_for_user(request.user, pk, Household.objects.select_related("project"))
    if not can_print_information_notice(request.user, household):
        raise Http404
    return household, False
