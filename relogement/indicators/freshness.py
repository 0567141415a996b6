"""Bringing the household facts and the building summaries up to date before any read.

One transaction: the facts of the households the triggers marked, then (the facts trigger having
marked their buildings, old and new) the summaries of those buildings. On PostgreSQL an advisory lock
makes concurrent refreshes take turns, so that a summary is never computed from facts that another
refresh is still writing.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from relogement.indicators import facts, summaries
from relogement.indicators.models import DataGeneration, StaleBuilding, StaleHousehold

LOCK_KEY = 0x52454C4F  # "RELO": any constant shared by the processes of this application


def _anything_stale() -> bool:
    qn = connection.ops.quote_name
    tables = [qn(StaleHousehold._meta.db_table), qn(StaleBuilding._meta.db_table)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables))
        return bool(cursor.fetchone()[0])


def refresh() -> int:
    """Returns how many households had their facts recomputed."""
    if not _anything_stale():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        count = facts.refresh_households()
        summaries.refresh_buildings()
        _next_generation()
        return count


def _next_generation() -> None:
    """Something was stale, so some data changed: the cached figures keyed on the old generation are
    never read again (``cache.data_version``). Inside the refresh's transaction (and, on PostgreSQL,
    its advisory lock: concurrent refreshes never race on the row)."""
    if not DataGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        DataGeneration.objects.create(pk=1, value=1)


def rebuild() -> int:
    """Every household and building recomputed (``manage.py rebuild_indicators``)."""
    with transaction.atomic():
        facts.mark_all_stale()
        return refresh()
