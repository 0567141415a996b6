"""Recording reads of household files (CNIL: access to personal data is individual and logged)."""

from __future__ import annotations

from collections.abc import Iterable

from relogement.audit.models import FileRead
from relogement.permissions.scopes import organisation_of


def file_read_record(*, user, household, what: str = "fiche") -> FileRead:
    """One read of one household file by the user, for the organisation they act for."""
    return FileRead.objects.create(
        household=household, user=user, organisation=organisation_of(user), what=what[:60]
    )


def file_reads_record(*, user, household_ids: Iterable[int], what: str) -> int:
    """One read per household of an exported named list (one insert query per 500 households)."""
    org = organisation_of(user)
    rows = [FileRead(household_id=pk, user=user, organisation=org, what=what[:60]) for pk in household_ids]
    FileRead.objects.bulk_create(rows, batch_size=500)
    return len(rows)
