"""The households an indicator computation is over, and how its queries reach them.

- The whole metropolis (nothing restricts the households: ``is_everything``): its additive figures are
  sums of the per-building summaries, its other queries read every fact.
- A restricted scope (a provider's households, a project office's projects, a commune, a project…) is
  **pinned** (``pinned``): its household ids, its buildings with whether it holds every household of
  each (``whole``: the building's summary applies) or only some (partial: computed from the facts and
  proposals), and the households of those partial buildings, are written once into three temporary
  tables of the connection. Without them, the scope's query would run again inside each of a
  dashboard's half-dozen aggregations (for a scope that is an OR over half the metropolis, ~0.1 s each
  on 100,000 households), and the lists of its buildings would be sent with each of them (~15 ms each
  for a thousand buildings).
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from relogement.indicators.freshness import refresh
from relogement.indicators.models import BuildingSummary, HouseholdFact

_numbers = itertools.count()
_PIN = "_indicators_pin"


@dataclass(frozen=True)
class _Pin:
    """The names of the temporary tables of a pinned scope."""

    households: str  # (household_id, building_id): every household of the scope
    buildings: str  # (building_id, whole): their buildings, whole or partial
    partial: str  # (household_id): the households of the partial buildings
    has_partial: bool = False


def is_everything(households) -> bool:
    """Whether nothing restricts ``households`` (the metropolis, the command line)."""
    return not households.query.where and not households.query.is_sliced


def _pin(households) -> _Pin | None:
    return getattr(households, _PIN, None)


def ids_of(households):
    """What a household key is filtered with (``household_id__in=``): the pinned ids, or else the
    households' primary keys (a subquery evaluated inside the query)."""
    pin = _pin(households)
    if pin is not None:
        return RawSQL(f"SELECT household_id FROM {pin.households}", [])  # noqa: S611 (our table)
    return households.values("pk")


def facts_for(households):
    """The fresh facts of ``households`` (a Household queryset, already scoped)."""
    refresh()
    if is_everything(households):
        return HouseholdFact.objects.all()  # no semi-join to pay for
    return HouseholdFact.objects.filter(household_id__in=ids_of(households))


def whole_buildings(households) -> RawSQL:
    """The buildings of which pinned households hold every household (their summaries apply)."""
    return RawSQL(f"SELECT building_id FROM {_pin(households).buildings} WHERE whole", [])  # noqa: S611


def buildings_of(households) -> RawSQL | None:
    """Every building of pinned households (None for the whole metropolis: every building)."""
    if is_everything(households):
        return None
    return RawSQL(f"SELECT building_id FROM {_pin(households).buildings}", [])  # noqa: S611


def beyond_summaries(
    households, stale_dated: list[int], *, household: str = "household_id", building: str = "building_id"
) -> Q | None:
    """What to aggregate besides the summaries (None when there is nothing), as a filter on a model
    with a household key (``household``) and a building (``building``): the households of the buildings
    whose summary is not valid on the date (``stale_dated``, from ``summaries``), and for pinned
    households those of the buildings they hold only in part."""
    if is_everything(households):
        return Q(**{f"{building}__in": stale_dated}) if stale_dated else None
    pin = _pin(households)
    beyond = Q()
    if pin.has_partial:
        beyond |= Q(**{f"{household}__in": RawSQL(f"SELECT household_id FROM {pin.partial}", [])})  # noqa: S611
    if stale_dated:
        beyond |= Q(**{f"{household}__in": ids_of(households), f"{building}__in": stale_dated})
    return beyond or None


def facts_beyond_summaries(households, stale_dated: list[int]):
    """The facts of :func:`beyond_summaries` (None when there is none). Call after ``facts_for``."""
    beyond = beyond_summaries(households, stale_dated)
    return None if beyond is None else HouseholdFact.objects.filter(beyond)


@contextmanager
def pinned(households):
    """Yields households equal to ``households``, pinned (see the module's docstring).

    The whole metropolis, and households already pinned, are yielded as they are. The tables live in
    the current transaction: dropped on leaving, or with the savepoint when an error rolls it back.
    Temporary tables belong to one connection, hence no clash between concurrent requests; the number
    tells nested pins apart.
    """
    if is_everything(households) or _pin(households) is not None:
        yield households
        return
    refresh()  # the summaries' household counts must be those of the facts read next
    number = next(_numbers)
    pin = _Pin(*(f"indicators_pin_{kind}_{number}" for kind in ("households", "buildings", "partial")))
    summary = connection.ops.quote_name(BuildingSummary._meta.db_table)
    try:
        sql, params = households.order_by().values_list("pk", "building_id").query.sql_with_params()
    except EmptyResultSet:  # a scope of nothing (an account without organisation…): empty tables
        sql, params = None, []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {pin.households} (household_id bigint NOT NULL, building_id bigint NOT NULL)"
        )
        if sql is not None:
            cursor.execute(f"INSERT INTO {pin.households} (household_id, building_id) {sql}", params)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {pin.buildings} (building_id bigint NOT NULL, whole boolean NOT NULL)"
        )
        # A building is whole when the scope holds as many of its households as its summary counts.
        cursor.execute(
            f"INSERT INTO {pin.buildings} (building_id, whole) "
            "SELECT p.building_id, COALESCE(COUNT(*) = MAX(s.households), FALSE) "
            f"FROM {pin.households} p LEFT JOIN {summary} s ON s.building_id = p.building_id "
            "GROUP BY p.building_id"
        )
        cursor.execute(f"CREATE TEMPORARY TABLE {pin.partial} (household_id bigint NOT NULL)")
        cursor.execute(
            f"INSERT INTO {pin.partial} (household_id) SELECT household_id FROM {pin.households} "
            f"WHERE building_id IN (SELECT building_id FROM {pin.buildings} WHERE NOT whole)"
        )
        if connection.vendor == "postgresql":
            # Without statistics the planner misjudges the tables' sizes (the medians took twice as
            # long); a small sample is enough for sizes and distinct counts (≈ 6 ms instead of 21).
            cursor.execute("SET LOCAL default_statistics_target = 10")
            cursor.execute(f"ANALYZE {pin.households}, {pin.buildings}, {pin.partial}")
            cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {pin.partial})")
        pin = replace(pin, has_partial=bool(cursor.fetchone()[0]))
        scoped = households.model._default_manager.filter(
            pk__in=RawSQL(f"SELECT household_id FROM {pin.households}", [])  # noqa: S611
        )
        setattr(scoped, _PIN, pin)
        yield scoped
        for table in (pin.households, pin.buildings, pin.partial):
            cursor.execute(f"DROP TABLE {table}")
