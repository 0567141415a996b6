"""Burn-down per building: census households still to rehouse over time, against the planned demolition.

A census household leaves the stock "to rehouse" on its definitive move-in date (if it is rehoused as
of the date) or on the date of its exit (if it has left without rehousing as of the date). Households
censused and leaving are counted per building and month by the database; the monthly series are
cumulated in Python from those few rows (never one row per household).

Buildings at risk: not decided here. The application has one building-risk verdict
(``matching.risk.verdict``, docs/indicators.md): the dashboard attaches it to each building
(``risk_verdict``) so that the dashboard, the calendar and the home page always agree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from itertools import accumulate

from relogement.indicators import summaries
from relogement.indicators.figures import month_counts
from relogement.indicators.scope import (
    buildings_of,
    facts_beyond_summaries,
    facts_for,
    is_everything,
    pinned,
    whole_buildings,
)
from relogement.projects.models import Building

PACE_MONTHS = 6
MAX_MONTHS = 36


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


@dataclass
class BuildingProgress:
    pk: int
    reference: str
    project: str
    planned_demolition: dt.date | None
    census: int = 0
    remaining: int = 0
    left_recently: int = 0
    as_of: dt.date | None = None
    # Households censused and leaving per month number (year × 12 + month − 1).
    arrivals: dict[int, int] = field(default_factory=dict)
    departures: dict[int, int] = field(default_factory=dict)
    # The building's demolition-schedule verdict (matching.risk.BuildingRisk), attached by the dashboard.
    risk_verdict: object = None

    @property
    def series(self) -> list[tuple[dt.date, int]]:
        """Households still to rehouse at the end of each month, for the last MAX_MONTHS months (only
        the charted buildings need it: computed on demand)."""
        last = _number(self.as_of)
        return _series(self.arrivals, self.departures, max(min(self.arrivals), last - MAX_MONTHS + 1), last)

    @property
    def pace(self) -> float:
        """Households leaving the stock per month over the last PACE_MONTHS months."""
        return self.left_recently / PACE_MONTHS

    def projected_end(self, as_of: dt.date) -> dt.date | None:
        if self.remaining == 0:
            return as_of
        if self.pace == 0:
            return None
        return add_months(as_of, math.ceil(self.remaining / self.pace))

    @property
    def risk(self) -> str:
        """Empty when not at risk, else the French reason of the one verdict (matching.risk)."""
        r = self.risk_verdict
        return r.verdict.label if r is not None and r.verdict.at_risk else ""


def _number(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _series(arrivals: dict[int, int], departures: dict[int, int], first: int, last: int):
    """Households still to rehouse at the end of each month number from ``first`` to ``last``."""
    remaining = sum(n for m, n in arrivals.items() if m < first) - sum(
        n for m, n in departures.items() if m < first
    )
    months = range(first, last + 1)
    deltas = [arrivals.get(m, 0) - departures.get(m, 0) for m in months]
    totals = list(accumulate(deltas, initial=remaining))[1:]
    return [(dt.date(m // 12, m % 12 + 1, 1), n) for m, n in zip(months, totals, strict=True)]


@dataclass
class ProjectProgress:
    """The monthly burn-down of a project (or of the whole perimeter: ``project`` = "Ensemble")."""

    project: str
    census: int
    remaining: int
    series: list[tuple[dt.date, int]]


def project_progress(buildings: list[BuildingProgress], as_of: dt.date) -> list[ProjectProgress]:
    """Households still to rehouse at the end of each month, for the whole perimeter then per project
    (largest census first), over the same months (at most MAX_MONTHS, ending with the as-of month).

    Summed from the per-building months of ``building_progress`` (already computed and cached with
    the dashboard's figures): no query of its own, so the "as of any date" rule is the buildings' one.
    """
    if not buildings:
        return []
    last = _number(as_of)
    first = max(min(m for b in buildings for m in b.arrivals), last - MAX_MONTHS + 1)
    projects: dict[str, tuple[dict[int, int], dict[int, int]]] = {}
    total_in: dict[int, int] = {}
    total_out: dict[int, int] = {}
    for b in buildings:
        arrivals, departures = projects.setdefault(b.project, ({}, {}))
        for source, targets in ((b.arrivals, (arrivals, total_in)), (b.departures, (departures, total_out))):
            for month, n in source.items():
                for target in targets:
                    target[month] = target.get(month, 0) + n

    def progress(name, arrivals, departures):
        census = sum(arrivals.values())
        return ProjectProgress(
            name, census, census - sum(departures.values()), _series(arrivals, departures, first, last)
        )

    per_project = [progress(name, a, d) for name, (a, d) in projects.items()]
    per_project.sort(key=lambda p: (-p.census, p.project))
    return [progress(TOTAL_LABEL, total_in, total_out), *per_project]


TOTAL_LABEL = "Ensemble du périmètre"


def building_progress(households, as_of: dt.date, *, summarised: bool = True) -> list[BuildingProgress]:
    """Per building of the perimeter: census, remaining, pace and the monthly burn-down.

    remaining(month) = census households censused by the end of the month − those that left by then,
    counted per building and month (``figures.month_counts``), from the summaries valid on the date of
    the buildings whose every household is in scope and the facts of the others (as the figures of
    ``selectors.additive_figures``; ``summarised=False``: from the facts only). ``households`` are
    pinned here unless the caller pinned them (``scope.pinned``).
    """
    with pinned(households) as pinned_households:
        return _building_progress(pinned_households, as_of, summarised)


def _building_progress(households, as_of: dt.date, summarised: bool) -> list[BuildingProgress]:
    facts = facts_for(households)
    if not summarised:
        census, left = month_counts(facts, as_of)
        return _progress(census, left, as_of, buildings_of(households))
    whole = None if is_everything(households) else whole_buildings(households)
    census, left, stale_dated = summaries.month_counts_on(as_of, whole)
    beyond = facts_beyond_summaries(households, stale_dated)
    if beyond is not None:
        beyond_census, beyond_left = month_counts(beyond, as_of)
        census.update(beyond_census)
        left.update(beyond_left)
    return _progress(census, left, as_of, buildings_of(households))


def _progress(censused, left, as_of: dt.date, scope_buildings) -> list[BuildingProgress]:
    """``scope_buildings``: a subquery of the scope's buildings, or None for every building (cheaper
    than the list of the censused ones: a thousand parameters)."""
    buildings = (
        Building.objects.all() if scope_buildings is None else Building.objects.filter(pk__in=scope_buildings)
    )
    buildings = buildings.values_list("pk", "reference", "project__name", "planned_demolition_date")
    recent = _number(as_of) - PACE_MONTHS + 1
    out = []
    for pk, reference, project, planned in buildings:
        if pk not in censused:
            continue
        arrivals, departures = censused[pk], left.get(pk, {})
        census = sum(arrivals.values())
        out.append(
            BuildingProgress(
                pk,
                reference,
                project,
                planned,
                census=census,
                remaining=census - sum(departures.values()),
                left_recently=sum(n for month, n in departures.items() if month >= recent),
                as_of=as_of,
                arrivals=arrivals,
                departures=departures,
            )
        )
    out.sort(key=lambda b: (b.project, b.reference))
    return out
