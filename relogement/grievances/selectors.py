"""Reads of grievances, scoped (Grievance.objects.visible_to); other apps reuse overdue_grievances for
their alerts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relogement.grievances.models import Grievance, GrievanceStatus


def grievances_in_scope(user):
    return Grievance.objects.visible_to(user).select_related("household", "responsible")


def overdue_grievances(user, *, today: dt.date | None = None):
    """Open grievances of the user's scope past their acknowledgement or resolution deadline (a
    queryset: an alert centre counts or slices it in one query)."""
    return grievances_in_scope(user).overdue(today or timezone.localdate()).order_by("resolution_due", "pk")


def filtered_grievances(user, *, state: str = "", category: str = "", today: dt.date | None = None):
    """The organisation's list: ``state`` "ouvertes", "en_retard", "closes" or all; ``category``."""
    today = today or timezone.localdate()
    qs = grievances_in_scope(user)
    if state == "ouvertes":
        qs = qs.open()
    elif state == "en_retard":
        qs = qs.overdue(today)
    elif state == "closes":
        qs = qs.filter(status=GrievanceStatus.CLOSED)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-received_on", "-pk")


def household_grievances(user, household):
    return grievances_in_scope(user).filter(household=household)
