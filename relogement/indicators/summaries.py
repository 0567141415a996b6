"""Per-building summaries (models.BuildingSummary): the additive figures and burn-down counts of each
building's households in their latest known state, so that the whole-metropolis figures are a sum of
about a thousand rows instead of a pass over every household.

A summary is valid for any as-of date on or after its ``valid_from`` (the latest census, status change,
move-in, answered follow-up or proposal notification of its households): on such a date every as-of
condition gives what it gives on the far future, which is the date the summary is computed at.
Money is stored in cents, so that every stored figure is a number that adds up exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Count, Max, Q

from relogement.indicators import figures
from relogement.indicators.models import BuildingSummary, HouseholdFact, StaleBuilding
from relogement.offers.models import Proposal

FAR = dt.date(9999, 12, 31)
CHUNK = 500
CENT = Decimal("0.01")


@cache
def keys() -> tuple[str, ...]:
    return tuple(figures.additive_aggregates(FAR))


@cache
def layout() -> str:
    return hashlib.sha256("|".join(keys()).encode()).hexdigest()[:16]


def _claim() -> list[int]:
    stale = connection.ops.quote_name(StaleBuilding._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {stale} RETURNING building_id")
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the caller's transaction already holds the write lock (it wrote the facts).
        cursor.execute(f"SELECT building_id FROM {stale}")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DELETE FROM {stale}")
        return ids


def _valid_from(facts, proposals) -> dict[int, dt.date | None]:
    answered = Q(satisfaction_answered=True) | Q(arrears__isnull=False)
    rows = facts.values("building_id").annotate(
        a=Max("census_date"),
        b=Max("status_since"),
        c=Max("move_in"),
        d=Max("last_notified"),
        e=Max("followup_on", filter=answered),
    )
    out = {}
    for row in rows:
        dates = [row[k] for k in "abcde" if row[k] is not None]
        out[row["building_id"]] = max(dates) if dates else None
    # An answer given after the last notification changes the proposal figures from its date on.
    answers = (
        proposals.filter(notified_date__isnull=False, answer__in=figures.ANSWERS)
        .order_by()
        .values_list("household__building_id")
        .annotate(m=Max("answer_date"))
    )
    for building_id, answered_on in answers:
        if answered_on is not None and (out.get(building_id) is None or answered_on > out[building_id]):
            out[building_id] = answered_on
    return out


def _stored(key: str, value):
    if key in figures.MONEY_SUMS:
        return int(value * 100)  # normalised to the cent
    return value


def _flat(months: dict[int, int]) -> list[int]:
    return [x for month, n in sorted(months.items()) for x in (month, n)]


def refresh_buildings() -> int:
    """Recompute the summaries of the stale buildings (within ``freshness.refresh``'s transaction)."""
    ids = _claim()
    names = keys()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        facts = HouseholdFact.objects.filter(building_id__in=chunk)
        per_building = (
            figures.with_row_flags(facts, FAR)
            .order_by()
            .values("building_id")
            .annotate(households_in_building=Count("pk"), **figures.additive_aggregates(FAR))
        )
        proposals = Proposal.objects.filter(household__building_id__in=chunk)
        valid_from = _valid_from(facts, proposals)
        census, left = figures.month_counts(facts, FAR)
        groups: dict[int, list] = {}
        for building_id, *group in figures.proposal_groups(proposals, FAR, "household__building_id"):
            groups.setdefault(building_id, []).append(group)
        rows = []
        for row in per_building:
            building_id = row.pop("building_id")
            households = row.pop("households_in_building")
            values = figures.normalise(row)
            rows.append(
                BuildingSummary(
                    building_id=building_id,
                    valid_from=valid_from.get(building_id),
                    households=households,
                    layout=layout(),
                    figures=[_stored(key, values[key]) for key in names],
                    months=[_flat(census.get(building_id, {})), _flat(left.get(building_id, {}))],
                    proposals=groups.get(building_id, []),
                )
            )
        BuildingSummary.objects.filter(building_id__in=chunk).delete()
        BuildingSummary.objects.bulk_create(rows)
    return len(ids)


def _split(as_of: dt.date, column: str, buildings) -> tuple[list, list[int]]:
    """(building, ``column``) of the summaries valid on the date, and the other buildings: a date of
    their households is later, or their summary has another layout. Those are computed from their
    facts. Every building with facts has a summary once ``freshness.refresh`` has run. ``buildings``:
    only these (a list or a subquery, e.g. ``scope.whole_buildings``; None: all)."""
    valid = (Q(valid_from__lte=as_of) | Q(valid_from__isnull=True)) & Q(layout=layout())
    rows = BuildingSummary.objects.all()
    if buildings is not None:
        rows = rows.filter(building_id__in=buildings)
    kept = list(rows.filter(valid).values_list("building_id", column))
    rest = list(rows.exclude(valid).values_list("building_id", flat=True))
    return kept, rest


def figures_on(as_of: dt.date, buildings=None) -> tuple[dict, list[int]]:
    """The summed figures of the buildings whose summary is valid on the date; the other buildings."""
    names = keys()
    totals = [0] * len(names)
    kept, rest = _split(as_of, "figures", buildings)
    for _, values in kept:
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    out = dict(zip(names, totals, strict=True))
    for key in figures.MONEY_SUMS:
        out[key] = (Decimal(out[key]) * CENT).quantize(CENT)
    return out, rest


def month_counts_on(as_of: dt.date, buildings=None) -> tuple[dict, dict, list[int]]:
    """The burn-down counts of the buildings whose summary is valid on the date; the other buildings."""
    census, left = {}, {}
    kept, rest = _split(as_of, "months", buildings)
    for building_id, (census_flat, left_flat) in kept:
        if census_flat:
            census[building_id] = dict(zip(census_flat[::2], census_flat[1::2], strict=True))
        if left_flat:
            left[building_id] = dict(zip(left_flat[::2], left_flat[1::2], strict=True))
    return census, left, rest


def proposals_on(as_of: dt.date, buildings=None) -> tuple[list[tuple], list[int]]:
    """The proposal groups (``figures.proposal_groups``) of the buildings whose summary is valid on the
    date, and the other buildings."""
    kept, rest = _split(as_of, "proposals", buildings)
    return [tuple(group) for _, groups in kept for group in groups], rest
