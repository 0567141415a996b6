"""Reads of the access log (administrators only, see predicates.can_view_access_log)."""

from __future__ import annotations

from relogement.audit.models import FileRead


def file_reads(*, household_id: int | None = None, user_id: int | None = None):
    reads = FileRead.objects.select_related("user", "organisation", "household")
    if household_id is not None:
        reads = reads.filter(household_id=household_id)
    if user_id is not None:
        reads = reads.filter(user_id=user_id)
    return reads.order_by("-at", "-pk")
