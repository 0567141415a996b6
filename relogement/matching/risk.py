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

from django.db.models import Count, Min, Q

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
    from relogement.matching.selectors import household_label

    on = on or today()
    qs = buildings if buildings is not None else Building.objects.visible_to(user)
    qs = (
        qs.filter(actual_demolition_date__isnull=True)
        .select_related("project")
        .annotate(
            remaining=Count("households", filter=Q(households__status__in=HOLDING_STATUSES)),
            first_census=Min("households__census_date"),
        )
        .order_by("planned_demolition_date", "reference", "pk")
    )
    buildings_list = list(qs)
    default_start = on - dt.timedelta(days=WINDOW_DAYS)
    first_left = (
        HouseholdStatusChange.objects.filter(
            household__building__in=[b.pk for b in buildings_list],
            to_status__in=LEFT_STATUSES,
            effective_date__lte=on,
        )
        .values("household_id", "household__building_id")
        .annotate(first=Min("effective_date"))
    )
    starts = {b.pk: max(default_start, b.first_census or default_start) for b in buildings_list}
    departures: dict[int, int] = {}
    for row in first_left:
        building_id = row["household__building_id"]
        if row["first"] >= starts[building_id]:
            departures[building_id] = departures.get(building_id, 0) + 1
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
        holding = (
            Household.objects.visible_to(user)
            .filter(building_id__in=list(at_risk_ids), status__in=HOLDING_STATUSES)
            .order_by("building_id", "census_date", "pk")
        )
        for household in holding.only(
            "pk", "building_id", "reference", "reference_name", "pseudonym", "status"
        ):
            risk = at_risk_ids[household.building_id]
            if len(risk.blockers) < MAX_BLOCKERS_SHOWN:
                risk.blockers.append(
                    {"label": household_label(user, household), "status": household.get_status_display()}
                )
            else:
                risk.more_blockers += 1
    return risks
