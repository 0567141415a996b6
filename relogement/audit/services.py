"""Recording reads of household files (CNIL: access to personal data is individual and logged).

Pages are logged by ``audit.middleware.FileReadMiddleware`` from the named fields they read; these
functions are for the reads a view logs itself (the file page, even pseudonymised; exports). Either
way the household is marked as logged for the current request, so that it is never logged twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import CharField, DateTimeField, IntegerField, QuerySet, Value
from django.utils import timezone

from relogement.audit.models import FileRead
from relogement.audit.reads import households_logged
from relogement.permissions.scopes import organisation_of


def file_read_record(*, user, household, what: str = "fiche") -> FileRead:
    """One read of one household file by the user, for the organisation they act for."""
    read = FileRead.objects.create(
        household=household, user=user, organisation=organisation_of(user), what=what[:60]
    )
    households_logged([household.pk])
    return read


def file_reads_record(*, user, household_ids: Iterable[int], what: str) -> int:
    """One read per household of a named list or export (one insert query per 500 households)."""
    org = organisation_of(user)
    rows = [FileRead(household_id=pk, user=user, organisation=org, what=what[:60]) for pk in household_ids]
    FileRead.objects.bulk_create(rows, batch_size=500)
    households_logged(row.household_id for row in rows)
    return len(rows)


def file_reads_record_query(*, user, households: QuerySet, what: str) -> tuple[int, QuerySet]:
    """One read per household of a queryset (a whole export), in one ``INSERT … SELECT`` statement
    whatever their number. Returns how many were written, and the ids of the households logged by
    this very statement: an export reads its rows within them, so that nothing is handed out unlogged
    even when a household enters the selection between the two statements."""
    org = organisation_of(user)
    at = timezone.now()
    what = what[:60]
    rows = households.order_by().values_list(
        "pk",
        Value(user.pk, output_field=IntegerField()),
        Value(org.pk if org else None, output_field=IntegerField()),
        Value(at, output_field=DateTimeField()),
        Value(what, output_field=CharField()),
    )
    select, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in ("household_id", "user_id", "organisation_id", "at", "what"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(FileRead._meta.db_table)} ({columns}) {select}", params)
        count = cursor.rowcount
    logged = FileRead.objects.filter(user=user, at=at, what=what).values("household_id")
    return count, logged
