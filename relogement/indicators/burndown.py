"""Burn-down per building: census households still to rehouse over time, against the planned demolition.

A census household leaves the stock "to rehouse" on its definitive move-in date (if it is rehoused as
of the date) or on the date of its exit (if it has left without rehousing as of the date). One grouped
query returns, per building, the number of households per (census month, leaving month); the monthly
series are cumulated in Python from those few rows (never one row per household).

Buildings at risk — the simple rule named ``SIMPLE_RISK_RULE`` (the decision-support module computes a
finer projected vacancy date): households remain and the planned demolition date is known, and either
the demolition is within ``RISK_MONTHS`` months of the as-of date (or past), or at the pace of the last
``PACE_MONTHS`` months (households leaving per month) the remaining households would not all be
rehoused by the demolition date.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from itertools import accumulate

from django.db.models import Count, DateField, OuterRef, Q, Subquery

from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import ReportingStatus as R
from relogement.households.statuses import statuses_reported_as
from relogement.indicators.selectors import AsOf, as_of_households, heavy_query
from relogement.indicators.selectors import month_number as _month_number
from relogement.projects.models import Building

RISK_MONTHS = 12
PACE_MONTHS = 6
MAX_MONTHS = 36
SIMPLE_RISK_RULE = (
    f"Règle simple : bâtiment à risque s'il reste des ménages à reloger et que la démolition prévue a lieu "
    f"dans moins de {RISK_MONTHS} mois (ou est dépassée), ou si, au rythme des {PACE_MONTHS} derniers mois, "
    "les ménages restants ne seraient pas tous relogés avant la date de démolition prévue."
)


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
    series: list[tuple[dt.date, int]] = field(default_factory=list)

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

    def risk(self, as_of: dt.date) -> str:
        """Empty when not at risk, else the French reason."""
        if self.remaining == 0 or self.planned_demolition is None:
            return ""
        if self.planned_demolition <= add_months(as_of, RISK_MONTHS):
            return f"démolition prévue dans moins de {RISK_MONTHS} mois"
        end = self.projected_end(as_of)
        if end is None:
            return f"aucun relogement ni sortie depuis {PACE_MONTHS} mois"
        if end > self.planned_demolition:
            return "rythme insuffisant pour la date de démolition"
        return ""


def _by_building_month(rows) -> dict[int, dict[int, int]]:
    """{building: {month number: households}} (month number = year × 12 + month − 1)."""
    out: dict[int, dict[int, int]] = {}
    for building_id, number, n in rows:
        if number is None:
            continue
        cells = out.setdefault(building_id, {})
        number = int(number)
        cells[number] = cells.get(number, 0) + n
    return out


def _number(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def building_progress(households, as_of: dt.date, counts=None) -> list[BuildingProgress]:
    """Per building of the perimeter: census, remaining, pace and the monthly burn-down (4 queries, or
    1 when ``counts`` comes from ``selectors.compute(..., with_burndown=True)``: ``Result.burndown``).

    remaining(month) = census households censused by the end of the month − those that left by then;
    censused, rehoused and exited households are counted per building and month by three grouped
    queries (the status subquery only runs where a cheaper condition has not already excluded the row).
    """
    if counts is not None:
        census_rows, left_rows = counts
        return _progress(_by_building_month(census_rows), _by_building_month(left_rows), as_of)
    pop = AsOf(as_of)
    census = (
        households.filter(pop.census)
        .order_by()
        .values_list("building_id", _month_number("census_date"))
        .annotate(n=Count("pk"))
    )
    annotated = as_of_households(households, as_of)
    # The status is grouped on, not filtered on: in a WHERE clause PostgreSQL cannot estimate the
    # subquery's selectivity and picks nested loops; in the select list it runs once per kept row.
    rehoused = (
        annotated.filter(pop.census & pop.moved_in)
        .order_by()
        .values_list("building_id", _month_number("d_move_in"), "rep")
        .annotate(n=Count("pk"))
    )
    exit_date = Subquery(
        HouseholdStatusChange.objects.filter(household=OuterRef("pk"), effective_date__lte=as_of)
        .order_by("-effective_date", "-pk")
        .values("effective_date")[:1],
        output_field=DateField(),
    )
    exited_ever = HouseholdStatusChange.objects.filter(
        to_status__in=statuses_reported_as(R.SORTI_SANS_RELOGEMENT), effective_date__lte=as_of
    ).values("household_id")
    exited = (
        annotated.filter(pop.census & Q(pk__in=exited_ever))
        .annotate(exit_month=_month_number(exit_date))
        .order_by()
        .values_list("building_id", "exit_month", "rep")
        .annotate(n=Count("pk"))
    )
    with heavy_query():
        censused = _by_building_month(census)
        left = _by_building_month(
            [(b, m, n) for b, m, rep, n in rehoused if rep == R.RELOGE]
            + [(b, m, n) for b, m, rep, n in exited if rep == R.SORTI_SANS_RELOGEMENT]
        )
    return _progress(censused, left, as_of)


def _progress(censused, left, as_of: dt.date) -> list[BuildingProgress]:
    buildings = Building.objects.filter(pk__in=list(censused)).values_list(
        "pk", "reference", "project__name", "planned_demolition_date"
    )
    last = _number(as_of)
    recent = last - PACE_MONTHS + 1
    # Integer months in the loops: a dashboard of the metropolis has thousands of buildings.
    dates = {
        number: dt.date(number // 12, number % 12 + 1, 1) for number in range(last - MAX_MONTHS, last + 1)
    }
    out = []
    for pk, reference, project, planned in buildings:
        progress = BuildingProgress(pk, reference, project, planned)
        arrivals, departures = censused[pk], left.get(pk, {})
        progress.census = sum(arrivals.values())
        progress.remaining = progress.census - sum(departures.values())
        progress.left_recently = sum(n for month, n in departures.items() if month >= recent)
        first = max(min(arrivals), last - MAX_MONTHS + 1)
        remaining = sum(n for m, n in arrivals.items() if m < first) - sum(
            n for m, n in departures.items() if m < first
        )
        months = range(first, last + 1)
        deltas = [arrivals.get(m, 0) - departures.get(m, 0) for m in months]
        totals = list(accumulate(deltas, initial=remaining))[1:]
        progress.series = list(zip([dates[m] for m in months], totals, strict=True))
        out.append(progress)
    out.sort(key=lambda b: (not b.risk(as_of), b.project, b.reference))
    return out
