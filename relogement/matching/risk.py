"""Demolition-schedule risk: will each building be empty by its planned demolition date?

THE building-risk verdict of the application (docs/indicators.md, "Building-risk verdict"): the
dashboard, its exports and PDF report, the demolition calendar, the project page and the home page all
read it from ``building_risks`` / ``verdict`` here, so that no two pages disagree on a building.

Projected vacancy date = as-of date + households still holding the building ÷ pace, where the pace is
the number of households that left the building (temporarily or definitively rehoused, or exited) per
month over the last 12 months, or since the building's first census if more recent (at least one
month). ``verdict`` then says, in this order: no planned demolition date → no verdict; no household
left → vacated; planned date already past → "démolition prévue dépassée"; nobody left during the window
→ cannot be projected (at risk); projected date after the planned date → pace too slow (at risk); else
on time. Counts are building aggregates as of the date; the households listed are only those the user
may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from relogement.audit.reads import household_shown
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import HOLDING_STATUSES
from relogement.households.statuses import HouseholdStatus as S
from relogement.matching.context import today
from relogement.projects.models import Building

WINDOW_DAYS = 365
DAYS_PER_MONTH = 30.4375
MAX_BLOCKERS_SHOWN = 10


@dataclass(frozen=True)
class Verdict:
    code: str  # no_date, vacated, overdue, no_pace, late, on_time
    label: str  # French, shown as is
    at_risk: bool


NO_DATE = Verdict("no_date", "pas de date de démolition prévue", False)
VACATED = Verdict("vacated", "bâtiment libéré", False)
OVERDUE = Verdict("overdue", "démolition prévue dépassée, des ménages sont encore dans les lieux", True)
NO_PACE = Verdict(
    "no_pace", f"aucun départ depuis {WINDOW_DAYS // 30} mois : libération impossible à projeter", True
)
LATE = Verdict(
    "late", "rythme des départs insuffisant : libération projetée après la démolition prévue", True
)
ON_TIME = Verdict("on_time", "dans les temps", False)


def verdict(*, remaining: int, planned: dt.date | None, projected: dt.date | None, on: dt.date) -> Verdict:
    """The one definition of a building's demolition-schedule verdict as of ``on``."""
    if planned is None:
        return NO_DATE
    if remaining == 0:
        return VACATED
    if planned < on:
        # A past date is never "within 12 months": the demolition is overdue.
        return OVERDUE
    if projected is None:
        return NO_PACE
    if projected > planned:
        return LATE
    return ON_TIME


@dataclass
class BuildingRisk:
    building: Building
    remaining: int
    departures: int
    months: float
    pace: float  # households leaving per month
    projected: dt.date | None
    planned: dt.date | None
    verdict: Verdict
    blockers: list[dict] = field(default_factory=list)  # {"label", "status"}
    more_blockers: int = 0  # holding households beyond those listed

    @property
    def at_risk(self) -> bool:
        return self.verdict.at_risk

    @property
    def delay_days(self) -> int | None:
        if self.projected and self.planned:
            return (self.projected - self.planned).days
        return None

    @property
    def no_pace(self) -> bool:
        return self.remaining > 0 and self.pace == 0


def project_vacancy(
    *, remaining: int, departures: int, window_start: dt.date, on: dt.date
) -> tuple[float, float, dt.date | None]:
    """(months observed, pace per month, projected vacancy date or None when it cannot be projected)."""
    months = max((on - window_start).days / DAYS_PER_MONTH, 1.0)
    pace = departures / months
    if remaining == 0:
        return months, pace, on
    if pace == 0:
        return months, pace, None
    return months, pace, on + dt.timedelta(days=round(remaining / pace * DAYS_PER_MONTH))


def building_risks(
    user,
    buildings=None,
    *,
    on: dt.date | None = None,
    only_at_risk: bool = False,
    with_blockers: bool = True,
) -> list[BuildingRisk]:
    """Risk of every building in ``buildings`` (default: all visible) as of ``on`` (default today), in a
    constant number of queries. ``with_blockers=False``: no households listed (the dashboard)."""
    current = today()
    on = on or current
    qs = buildings if buildings is not None else Building.objects.visible_to(user)
    qs = (
        qs.filter(Q(actual_demolition_date__isnull=True) | Q(actual_demolition_date__gt=on))
        .select_related("project")
        .defer("project__matching_weights")  # a JSON document decoded per row, not shown
        .order_by("planned_demolition_date", "reference", "pk")
    )
    buildings_list = list(qs)
    # Per building, narrow and grouped on the building alone (an index-only scan of
    # household_building_status_idx), not joined to the buildings' columns: 165 ms → 20 ms for a whole
    # metropolis of 100,000 households.
    per_building = {
        building_id: (remaining, first_census)
        for building_id, remaining, first_census in Household.objects.filter(
            building_id__in=[b.pk for b in buildings_list]
        )
        .order_by()
        .values("building_id")
        .annotate(
            remaining=Count("status", filter=Q(status__in=HOLDING_STATUSES)), first_census=Min("census_date")
        )
        .values_list("building_id", "remaining", "first_census")
    }
    holding = _holding_on(buildings_list, on) if on < current else None
    for b in buildings_list:
        remaining, b.first_census = per_building.get(b.pk, (0, None))
        b.remaining = remaining if holding is None else holding.get(b.pk, 0)
    default_start = on - dt.timedelta(days=WINDOW_DAYS)
    starts = {b.pk: max(default_start, b.first_census or default_start) for b in buildings_list}
    departures = _departures(starts, default_start, on) if buildings_list else {}
    risks = []
    for b in buildings_list:
        gone = departures.get(b.pk, 0)
        months, pace, projected = project_vacancy(
            remaining=b.remaining, departures=gone, window_start=starts[b.pk], on=on
        )
        planned = b.planned_demolition_date
        found = verdict(remaining=b.remaining, planned=planned, projected=projected, on=on)
        if only_at_risk and not found.at_risk:
            continue
        risks.append(BuildingRisk(b, b.remaining, gone, months, pace, projected, planned, found))
    at_risk_ids = {r.building.pk: r for r in risks if r.at_risk}
    if at_risk_ids and with_blockers:
        _add_blockers(user, at_risk_ids)
    return risks


def _holding_on(buildings_list, on: dt.date) -> dict[int, int]:
    """Households per building still holding it on a past date: censused by then, with their status on
    that date a holding one (the latest change on or before it; only later changes: to diagnose, as the
    indicators read it; no change at all: the current status)."""
    status_on = (
        HouseholdStatusChange.objects.filter(household=OuterRef("pk"), effective_date__lte=on)
        .order_by("-effective_date", "-pk")
        .values("to_status")[:1]
    )
    later = HouseholdStatusChange.objects.filter(household=OuterRef("pk"), effective_date__gt=on)
    rows = (
        Household.objects.filter(building_id__in=[b.pk for b in buildings_list], census_date__lte=on)
        .annotate(
            status_on=Coalesce(
                Subquery(status_on),
                Case(When(Exists(later), then=Value(S.TO_DIAGNOSE)), default=F("status")),
                output_field=CharField(),
            )
        )
        .filter(Q(status_on__in=HOLDING_STATUSES) | Q(status_on__isnull=True))
        .order_by()
        .values("building_id")
        .annotate(n=Count("pk"))
    )
    return {row["building_id"]: row["n"] for row in rows}


def _departures(starts: dict[int, dt.date], default_start: dt.date, on: dt.date) -> dict[int, int]:
    """Households per building whose first departure (first change to a left status) falls in the
    building's window and on or before ``on``: read from the facts' ``first_departure`` (an index
    range, one row per building), never a subquery per household of the scope."""
    from relogement.indicators.freshness import refresh
    from relogement.indicators.models import HouseholdFact

    refresh()  # the facts of the households changed since the last read
    # Most buildings share the default window; the others (first census within the year) are few.
    by_start: dict[dt.date, list[int]] = {}
    for building_id, start in starts.items():
        if start != default_start:
            by_start.setdefault(start, []).append(building_id)
    window_start = Case(
        *(When(building_id__in=ids, then=Value(start)) for start, ids in by_start.items()),
        default=Value(default_start),
        output_field=DateField(),
    )
    rows = (
        HouseholdFact.objects.filter(
            building_id__in=list(starts), first_departure__gte=default_start, first_departure__lte=on
        )
        .alias(window_start=window_start)
        .filter(first_departure__gte=F("window_start"))
        .order_by()
        .values("building_id")
        .annotate(n=Count("pk"))
    )
    return {row["building_id"]: row["n"] for row in rows}


def _add_blockers(user, at_risk: dict[int, BuildingRisk]) -> None:
    """The first holding households of each building at risk that the user may see (earliest census
    first), and how many more: only the shown rows are fetched, each with its building's total."""
    from relogement.matching.selectors import household_label

    holding = (
        Household.objects.visible_to(user)
        .filter(building_id__in=list(at_risk), status__in=HOLDING_STATUSES)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("building_id")], order_by=[F("census_date"), F("pk")]),
            total=Window(Count("pk"), partition_by=[F("building_id")]),
        )
        .filter(rank__lte=MAX_BLOCKERS_SHOWN)
        .order_by("building_id", "census_date", "pk")
        # Plain rows, not model instances: up to ten per building at risk on the metropolis pages.
        .values_list("building_id", "pk", "reference", "reference_name", "pseudonym", "status", "total")
    )
    labels = dict(S.choices)
    for building_id, pk, reference, reference_name, pseudonym, status, total in holding:
        household = SimpleNamespace(reference=reference, reference_name=reference_name, pseudonym=pseudonym)
        label = household_label(user, household)
        if label != pseudonym:
            # Plain rows bypass the named fields' read log (audit/reads.py): the name shown is noted here.
            household_shown(pk)
        risk = at_risk[building_id]
        risk.blockers.append({"label": label, "status": labels.get(status, status)})
        risk.more_blockers = total - min(total, MAX_BLOCKERS_SHOWN)
