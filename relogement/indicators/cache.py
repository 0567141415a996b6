"""Cache of computed figures, invalidated by a data version.

The figures of a perimeter at a date only change when the data behind them change. The data version
is one cheap query (the largest primary key of each table the indicators read, and of the history
tables that django-simple-history writes on every save and delete, and the generation that
``freshness.refresh`` bumps whenever the triggers marked a household changed), so a dashboard or a
household list shown again to the same organisation is served without recomputing the aggregates.
``cached`` refreshes before reading the version, so that writes that bypass the history
(``QuerySet.update()``, SQL) change it too: a cached value is never served for older data, whatever
the time limit, ``INDICATORS_CACHE_SECONDS`` (600 s by default, only to free memory; 0 disables the
cache).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from relogement.accounts.models import Organisation
from relogement.followup.models import FollowUp
from relogement.grievances.models import Grievance
from relogement.households.models import Household, HouseholdStatusChange
from relogement.indicators.models import DataGeneration
from relogement.offers.models import Proposal, RefusalReason
from relogement.projects.models import Building, Project
from relogement.rehousing.models import Rehousing
from relogement.territory.models import Commune

DEFAULT_SECONDS = 600


def version_tables() -> list[tuple[str, str]]:
    """(table, key column) whose largest value makes the data version."""
    models = [
        Household,
        HouseholdStatusChange,
        Rehousing,
        Proposal,
        FollowUp,
        Building,
        RefusalReason,
        Commune,
        Grievance,
    ]
    tables = [(m._meta.db_table, m._meta.pk.column) for m in models]
    # Project: its history moves on a new or renamed project (the perimeter and filter choices).
    for model in (Household, Rehousing, Proposal, FollowUp, Building, Grievance, Project):
        history = model.history.model
        tables.append((history._meta.db_table, history._meta.pk.column))
    through = Organisation.projects.through
    tables.append((through._meta.db_table, through._meta.pk.column))
    tables.append((DataGeneration._meta.db_table, "value"))
    return tables


def max_keys(tables) -> str:
    """The largest value of each (table, column), in one query, joined into a version string."""
    qn = connection.ops.quote_name
    parts = ", ".join(f"(SELECT MAX({qn(pk)}) FROM {qn(table)})" for table, pk in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        row = cursor.fetchone()
    return "-".join(str(v) for v in row)


def data_version() -> str:
    return max_keys(version_tables())


def seconds() -> int:
    return int(getattr(settings, "INDICATORS_CACHE_SECONDS", DEFAULT_SECONDS))


def refreshed_version(tables) -> str:
    """``max_keys(tables)`` after the facts' refresh: a write that bypassed Django (``update()``, SQL)
    moves the generation, hence the version. The one way every cache here reads its version."""
    from relogement.indicators import freshness

    freshness.refresh()  # one EXISTS query when nothing changed; else the generation moves on
    return max_keys(tables)


def current_version() -> str | None:
    """The data version after a refresh (what ``cached`` keys on), or None when the cache is off: a
    page that reads several cached figures asks once (two queries) and passes it to each ``cached``."""
    if seconds() <= 0:
        return None
    return refreshed_version(version_tables())


def cached(parts: tuple, compute: Callable, *, version: str | None = None, ttl: int | None = None):
    """``compute()``, or its cached value for the same ``parts`` and the same data version (``version``:
    from ``current_version`` earlier in the same request, else read here); ``ttl``: how long it is kept
    (``INDICATORS_CACHE_SECONDS`` by default)."""
    ttl = seconds() if ttl is None else ttl
    if ttl <= 0:
        return compute()
    if version is None:
        version = current_version()
    raw = "|".join(str(p) for p in parts) + "|" + version
    key = "indicators:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl)
    return value


def scope_key(user) -> str:
    """Scopes depend only on the organisation the user acts for (permissions.scopes)."""
    from relogement.permissions.scopes import organisation_of

    org = organisation_of(user)
    return f"org-{org.pk}-{org.kind}" if org else "none"
