"""Reads of requests between organisations: the queues of an organisation, with what a reader may see
of the household each is about (its name or pseudonym, by the household file's predicates)."""

from __future__ import annotations

from relogement.households.visibility import display_name
from relogement.permissions.scopes import organisation_of
from relogement.requests.models import HandoffRequest, RequestStatus

LIST_LIMIT = 200


def _with_relations(qs):
    return qs.select_related("sender_organisation", "recipient", "household", "offer", "sender")


def labelled(user, requests) -> list[HandoffRequest]:
    """Attach ``about`` (what the request is about, as the reader may see it)."""
    rows = list(requests)
    for r in rows:
        r.about = display_name(user, r.household) if r.household_id else str(r.offer)
    return rows


def received(user, *, closed: bool = False):
    org = organisation_of(user)
    qs = HandoffRequest.objects.visible_to(user).received_by(org)
    qs = qs.filter(status=RequestStatus.CLOSED) if closed else qs.pending()
    return labelled(user, _with_relations(qs)[:LIST_LIMIT])


def sent(user, *, closed: bool = False):
    org = organisation_of(user)
    qs = HandoffRequest.objects.visible_to(user).sent_by(org)
    qs = qs.filter(status=RequestStatus.CLOSED) if closed else qs.pending()
    return labelled(user, _with_relations(qs)[:LIST_LIMIT])


def queue_counts(user) -> dict[str, int]:
    """Pending and overdue requests received by the user's organisation (home page, alerts): one query."""
    from django.db.models import Count, Q
    from django.utils import timezone

    org = organisation_of(user)
    if org is None:
        return {"pending": 0, "overdue": 0}
    return (
        HandoffRequest.objects.received_by(org)
        .pending()
        .aggregate(pending=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=timezone.localdate())))
    )


def about_household(user, household, *, limit: int = 20) -> list[HandoffRequest]:
    """The requests about ``household`` that the reader's organisation sent or received (``visible_to``:
    the two organisations of a request, nobody else), pending first then by due date; one query."""
    from django.db.models import Case, IntegerField, Value, When

    return list(
        HandoffRequest.objects.visible_to(user)
        .filter(household=household)
        .select_related("sender_organisation", "recipient")
        .annotate(
            closed_last=Case(
                When(status=RequestStatus.CLOSED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed_last", "due_date", "pk")[:limit]
    )
