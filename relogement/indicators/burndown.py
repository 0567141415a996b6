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

from django.db.models import Case, Count, DateField, F, OuterRef, Subquery, When
from django.db.models.functions import TruncMonth

from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import ReportingStatus as R
from relogement.indicators.selectors import AsOf, as_of_households
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


def building_progress(households, as_of: dt.date) -> list[BuildingProgress]:
    """Per building of the perimeter: census, remaining, pace and the monthly burn-down (2 queries)."""
    pop = AsOf(as_of)
    status_date = Subquery(
        HouseholdStatusChange.objects.filter(household=OuterRef("pk"), effective_date__lte=as_of)
        .order_by("-effective_date", "-pk")
        .values("effective_date")[:1]
    )
    leaving = Case(
        When(pop.definitive, then=F("defr__move_in_date")),
        When(pop.status(R.SORTI_SANS_RELOGEMENT), then=status_date),
        output_field=DateField(),
    )
    rows = (
        as_of_households(households, as_of)
        .filter(pop.census)
        .annotate(
            census_month=TruncMonth("census_date"), left_month=TruncMonth(leaving, output_field=DateField())
        )
        .order_by()
        .values("building_id", "census_month", "left_month")
        .annotate(n=Count("pk"))
    )
    grouped: dict[int, list[tuple[dt.date, dt.date | None, int]]] = {}
    for row in rows:
        grouped.setdefault(row["building_id"], []).append((row["census_month"], row["left_month"], row["n"]))
    buildings = Building.objects.filter(pk__in=list(grouped)).values_list(
        "pk", "reference", "project__name", "planned_demolition_date"
    )
    recent = add_months(month_start(as_of), -PACE_MONTHS + 1)
    out = []
    for pk, reference, project, planned in buildings:
        progress = BuildingProgress(pk, reference, project, planned)
        cells = grouped[pk]
        first = min(c for c, _, _ in cells)
        last = month_start(as_of)
        first = max(first, add_months(last, -MAX_MONTHS + 1))
        for _census_month, left_month, n in cells:
            progress.census += n
            if left_month is None:
                progress.remaining += n
            elif left_month >= recent:
                progress.left_recently += n
        month = first
        while month <= last:
            end_of_month = add_months(month, 1)
            remaining = sum(
                n
                for census_month, left_month, n in cells
                if census_month < end_of_month and (left_month is None or left_month >= end_of_month)
            )
            progress.series.append((month, remaining))
            month = end_of_month
        out.append(progress)
    out.sort(key=lambda b: (not b.risk(as_of), b.project, b.reference))
    return out
