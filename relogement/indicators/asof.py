"""What depends on the as-of date, as expressions over the household facts.

The facts hold each household's latest known state; on a date at or after every date of that state
(nearly always today), the facts answer directly. Otherwise the history answers: the latest status
change on or before the date (``status_as_of_idx``), the proposals notified by the date. ``CASE``
evaluates those subqueries only for the rows that need them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from relogement.households.statuses import ReportingStatus
from relogement.indicators import registry
from relogement.indicators.facts import latest_changes, month_number, reporting_mapping
from relogement.offers.models import Proposal

R = ReportingStatus


def status_as_of(as_of: dt.date):
    """The reporting status on the date. The fact's latest status holds when it is dated on or before
    the date, or when the household has no change at all ("to diagnose": imports and the lifecycle
    start the history so); otherwise the latest change on or before the date decides."""
    probe = Subquery(
        latest_changes("household_id", on=as_of).annotate(rep=reporting_mapping()).values("rep")[:1]
    )
    return Case(
        When(Q(status_since__lte=as_of) | Q(status_since__isnull=True), then=F("status")),
        default=Coalesce(probe, Value(R.A_DIAGNOSTIQUER)),
        output_field=CharField(),
    )


def status_month_as_of(as_of: dt.date):
    """Month number of the change that gives the status on the date (the exit month of the burn-down)."""
    probe = Subquery(
        latest_changes("household_id", on=as_of).values("effective_date")[:1], output_field=DateField()
    )
    return Case(
        When(status_since__lte=as_of, then=F("status_month")),
        default=month_number(probe),
        output_field=IntegerField(),
    )


def proposals_as_of(as_of: dt.date):
    """Proposals of the household notified by the date: the fact's count when its latest notification
    is on or before the date, else counted from the proposals."""
    probe = Subquery(
        Proposal.objects.filter(household=OuterRef("household_id"), notified_date__lte=as_of)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Case(
        When(Q(last_notified__lte=as_of) | Q(last_notified__isnull=True), then=F("proposal_count")),
        default=Coalesce(probe, Value(0)),
        output_field=IntegerField(),
    )


@dataclass
class AsOf:
    """The populations of INDICATORS.md as Q objects over the facts annotated with ``rep`` (the
    reporting status on the date, :func:`as_of_facts`)."""

    date: dt.date

    def status(self, reporting: str) -> Q:
        return Q(rep=reporting)

    @property
    def census(self) -> Q:  # C
        return Q(is_split=False, census_date__lte=self.date)

    @property
    def moved_in(self) -> Q:  # D is "status reloge" and this
        return Q(move_in__lte=self.date)

    @property
    def satisfaction_answered(self) -> Q:
        return Q(followup_on__lte=self.date, satisfaction_answered=True)

    @property
    def arrears_answered(self) -> Q:
        return Q(followup_on__lte=self.date, arrears__isnull=False)

    @property
    def definitive(self) -> Q:  # D
        return self.status(R.RELOGE) & self.moved_in

    @property
    def definitive_census(self) -> Q:  # Dc
        return self.definitive & self.census

    def drilldown(self, indicator_id: str) -> Q | None:
        """The households behind a count indicator (None when it is not a household count)."""
        c = self.census
        simple = {
            "avancement.recenses": c,
            "avancement.reloges_definitifs": self.definitive_census,
            "avancement.reloges_temporaires": c & self.status(R.RELOGE_TEMPORAIRE),
            "avancement.sortis_sans_relogement": c & self.status(R.SORTI_SANS_RELOGEMENT),
            "avancement.restant_a_reloger": c
            & ~self.definitive_census
            & ~self.status(R.SORTI_SANS_RELOGEMENT),
            "avancement.decohabitations": self.definitive & Q(is_split=True),
        }
        if indicator_id in simple:
            return simple[indicator_id]
        if indicator_id.startswith(registry.STATUS_PREFIX):
            status = indicator_id.removeprefix(registry.STATUS_PREFIX)
            if status in R.values:
                return c & self.status(status)
        return None
