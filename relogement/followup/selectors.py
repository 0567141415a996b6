"""Reads of post-rehousing follow-ups: due milestones (computed from the definitive move-in) and a
household's milestones. Constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relogement.accounts.models import OrganisationKind
from relogement.followup.dates import MILESTONES, add_months
from relogement.followup.models import FollowUp
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.rehousing.models import Rehousing, RehousingKind

# Milestones due within this many days are listed as "to plan".
HORIZON_DAYS = 30
# An overdue milestone stays listed up to a year after the last (24-month) one.
LOOKBACK_MONTHS = 36


@dataclass(frozen=True)
class Milestone:
    household: Household
    months_after: int
    due_date: dt.date
    followup: FollowUp | None
    today: dt.date

    @property
    def done(self) -> bool:
        return self.followup is not None and self.followup.done_on is not None

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_date < self.today


def _milestones(rehousings, followups_by_key, today) -> list[Milestone]:
    result = []
    for rehousing in rehousings:
        for months in MILESTONES:
            followup = followups_by_key.get((rehousing.household_id, months))
            due = followup.due_date if followup else add_months(rehousing.move_in_date, months)
            result.append(Milestone(rehousing.household, months, due, followup, today))
    return result


def due_followups(
    households, *, today: dt.date | None = None, horizon_days: int = HORIZON_DAYS
) -> list[Milestone]:
    """Milestones not done whose due date is passed or within ``horizon_days``, earliest first."""
    today = today or timezone.localdate()
    since = add_months(today, -LOOKBACK_MONTHS)
    rehousings = list(
        Rehousing.objects.filter(
            kind=RehousingKind.DEFINITIVE, household__in=households, move_in_date__gte=since
        ).select_related("household__project")
    )
    followups = {
        (f.household_id, f.months_after): f
        for f in FollowUp.objects.filter(household_id__in=[r.household_id for r in rehousings])
    }
    limit = today + dt.timedelta(days=horizon_days)
    due = [m for m in _milestones(rehousings, followups, today) if not m.done and m.due_date <= limit]
    return sorted(due, key=lambda m: (m.due_date, m.household.reference, m.months_after))


def due_followups_for(user, *, today: dt.date | None = None) -> list[Milestone]:
    """The follow-ups a social worker has to do: households of her provider (empty for other roles,
    which do not record follow-ups)."""
    org = organisation_of(user)
    if org is None or org.kind != OrganisationKind.SOCIAL_PROVIDER:
        return []
    return due_followups(Household.objects.visible_to(user), today=today)


def due_followups_in_scope(user, *, today: dt.date | None = None) -> list[Milestone]:
    """Due follow-ups of every household the user sees (roles with access to named data)."""
    if not predicates.can_view_named_data(user):
        return []
    return due_followups(Household.objects.visible_to(user), today=today)


def household_milestones(household: Household, *, today: dt.date | None = None) -> list[Milestone]:
    today = today or timezone.localdate()
    rehousing = household.rehousings.filter(kind=RehousingKind.DEFINITIVE).first()
    if rehousing is None:
        return []
    rehousing.household = household
    followups = {(f.household_id, f.months_after): f for f in household.followups.all()}
    return _milestones([rehousing], followups, today)
