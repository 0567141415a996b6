"""The legal offer count and the right-to-stay clock (CCH L.442-6 II, L.353-15 III; C. urb. L.314-1/2).

Per project settings, never hard-coded: ``Project.required_offers`` and
``Project.departure_delay_months``. A household that refused ``required_offers`` compliant offers
loses its right to stay; ``departure_delay_months`` after the notification of the last of them it
loses any right to occupy. Exception: its current dwelling was specially designed for it.
See docs/offer-rules.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Answer, Proposal

# Households whose right-to-stay clock still matters (not rehoused, not gone).
OPEN_STATUSES = [
    HouseholdStatus.TO_DIAGNOSE,
    HouseholdStatus.SEARCHING,
    HouseholdStatus.PROPOSAL_IN_PROGRESS,
    HouseholdStatus.TEMPORARILY_REHOUSED,
]


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the end of a shorter month (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def right_to_stay_lost_on(
    refused_compliant_dates: list[dt.date], *, required: int, delay_months: int, exception: bool
) -> dt.date | None:
    """Date from which the household may no longer occupy its dwelling, or None.

    ``refused_compliant_dates``: notification dates of the compliant offers it refused. The clock
    starts at the notification of the offer that reaches the required number (the third, or the
    second in a town-planning operation).
    """
    if exception or required <= 0 or len(refused_compliant_dates) < required:
        return None
    return add_months(sorted(refused_compliant_dates)[required - 1], delay_months)


@dataclass
class CountedOffer:
    proposal: Proposal
    compliant: bool | None
    refused: bool
    counted: bool  # counts toward the required number (notified and compliant)
    triggers_clock: bool = False


@dataclass
class OfferCount:
    required: int
    delay_months: int
    basis: str
    offers: list[CountedOffer] = field(default_factory=list)
    exception: bool = False
    right_to_stay_lost_on: dt.date | None = None

    @property
    def compliant_count(self) -> int:
        return sum(1 for o in self.offers if o.counted)

    @property
    def refused_compliant_count(self) -> int:
        return sum(1 for o in self.offers if o.counted and o.refused)

    @property
    def reached(self) -> bool:
        return self.refused_compliant_count >= self.required


def offer_count(household: Household) -> OfferCount:
    """The offers counted for the household (3 queries at most, whatever the number of proposals)."""
    project = household.project
    proposals = list(
        household.proposals.exclude(notified_date=None)
        .select_related("commune", "offer")
        .order_by("notified_date", "pk")
    )
    count = OfferCount(
        required=project.required_offers,
        delay_months=project.departure_delay_months,
        basis=project.get_offer_rule_basis_display(),
        exception=household.specially_designed_dwelling,
    )
    refused_dates = []
    for p in proposals:
        refused = p.answer == Answer.REFUSED
        counted = bool(p.is_compliant)
        count.offers.append(
            CountedOffer(proposal=p, compliant=p.is_compliant, refused=refused, counted=counted)
        )
        if counted and refused:
            refused_dates.append(p.notified_date)
    count.right_to_stay_lost_on = right_to_stay_lost_on(
        refused_dates, required=count.required, delay_months=count.delay_months, exception=count.exception
    )
    if count.reached:
        n = 0
        for o in count.offers:
            if o.counted and o.refused:
                n += 1
                if n == count.required:
                    o.triggers_clock = True
    return count


@dataclass
class DeadlineRow:
    household: Household
    refused_compliant: int
    required: int
    trigger_notified_date: dt.date
    lost_on: dt.date

    @property
    def days_left(self) -> int:
        return (self.lost_on - dt.date.today()).days


def legal_deadlines(user, *, today: dt.date | None = None, past_days: int = 31) -> list[tuple]:
    """(household_id, lost_on, trigger_date, refused_count, required) for households of the user's
    scope whose right-to-stay deadline is upcoming (or passed within ``past_days``), soonest first.

    One query over the refused compliant proposals of visible open households; households whose
    dwelling was specially designed for them are left out (the exception applies).
    """
    today = today or dt.date.today()
    visible = Household.objects.visible_to(user).filter(
        status__in=OPEN_STATUSES, specially_designed_dwelling=False
    )
    rows = (
        Proposal.objects.filter(household__in=visible.values("pk"), is_compliant=True, answer=Answer.REFUSED)
        .exclude(notified_date=None)
        .values_list(
            "household_id",
            "notified_date",
            "household__project__required_offers",
            "household__project__departure_delay_months",
        )
        .order_by("household_id", "notified_date", "pk")
    )
    grouped: dict[int, list] = {}
    settings: dict[int, tuple[int, int]] = {}
    for household_id, notified, required, delay in rows:
        grouped.setdefault(household_id, []).append(notified)
        settings[household_id] = (required, delay)
    result = []
    for household_id, dates in grouped.items():
        required, delay = settings[household_id]
        lost_on = right_to_stay_lost_on(dates, required=required, delay_months=delay, exception=False)
        if lost_on is None or lost_on < today - dt.timedelta(days=past_days):
            continue
        result.append((household_id, lost_on, sorted(dates)[required - 1], len(dates), required))
    result.sort(key=lambda r: (r[1], r[0]))
    return result


def legal_deadlines_page(user, *, page_number, per_page: int = 25, today: dt.date | None = None):
    """A page of DeadlineRow (constant number of queries: the deadlines, then the page's households)."""
    paginator = Paginator(legal_deadlines(user, today=today), per_page)
    page = paginator.get_page(page_number)
    households = (
        Household.objects.visible_to(user)
        .select_related("project", "building")
        .in_bulk([r[0] for r in page.object_list])
    )
    page.object_list = [
        DeadlineRow(households[hid], refused, required, trigger, lost_on)
        for hid, lost_on, trigger, refused, required in page.object_list
        if hid in households
    ]
    return page
