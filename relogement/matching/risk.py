"""Demolition-schedule risk: will each building be empty by its planned demolition date?

Projected vacancy date = today + households still holding the building ÷ pace, where the pace is the
number of households that left the building (temporarily or definitively rehoused, or exited) per month
over the last 12 months, or since the building's first census if more recent (at least one month).
A building is at risk when the projected date falls after the planned demolition date, or when
households remain and none has left during the window (no pace: the date cannot be projected).
Counts are building aggregates; the households listed are only those the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Case, Count, DateField, F, Min, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber

from relogement.audit.reads import household_shown
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.matching.context import today
from relogement.projects.models import Building

HOLDING_STATUSES = (S.TO_DIAGNOSE, S.SEARCHING, S.PROPOSAL_IN_PROGRESS)
LEFT_STATUSES = (S.TEMPORARILY_REHOUSED, S.REHOUSED, S.POST_REHOUSING_FOLLOWUP, S.CLOSED, S.EXITED)
WINDOW_DAYS = 365
DAYS_PER_MONTH = 30.4375
MAX_BLOCKERS_SHOWN = 10


@dataclass
class BuildingRisk:
    building: Building
    remaining: int
    departures: int
    months: float
    pace: float  # households leaving per month
    projected: dt.date | None
    planned: dt.date | None
    at_risk: bool
    blockers: list[dict] = field(default_factory=list)  # {"label", "status"}
    more_blockers: int = 0  # holding households beyond those listed

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
    user, buildings=None, *, on: dt.date | None = None, only_at_risk: bool = False
) -> list[BuildingRisk]:
    """Risk of every building in ``buildings`` (default: all visible), in a constant number of queries."""
    on = on or today()
    qs = buildings if buildings is not None else Building.objects.visible_to(user)
    qs = (
        qs.filter(actual_demolition_date__isnull=True)
        .select_related("project")
        .defer("project__matching_weights")  # a JSON document decoded per row, not shown
        .annotate(
            remaining=Count("households", filter=Q(households__status__in=HOLDING_STATUSES)),
            first_census=Min("households__census_date"),
        )
        .order_by("planned_demolition_date", "reference", "pk")
    )
    buildings_list = list(qs)
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
        at_risk = bool(planned and b.remaining > 0 and (projected is None or projected > planned))
        if only_at_risk and not at_risk:
            continue
        risks.append(BuildingRisk(b, b.remaining, gone, months, pace, projected, planned, at_risk))
    at_risk_ids = {r.building.pk: r for r in risks if r.at_risk}
    if at_risk_ids:
        _add_blockers(user, at_risk_ids)
    return risks


def _departures(starts: dict[int, dt.date], default_start: dt.date, on: dt.date) -> dict[int, int]:
    """Households per building whose first departure (first change to a left status on or before
    ``on``) falls in the building's window, counted in SQL (one row per building)."""
    first_left = (
        HouseholdStatusChange.objects.filter(
            household=OuterRef("pk"), to_status__in=LEFT_STATUSES, effective_date__lte=on
        )
        .order_by("effective_date")
        .values("effective_date")[:1]
    )
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
        Household.objects.filter(building_id__in=list(starts))
        .annotate(first_left=Subquery(first_left, output_field=DateField()))
        .filter(first_left__gte=default_start)
        .alias(window_start=window_start)
        .filter(first_left__gte=F("window_start"))
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
