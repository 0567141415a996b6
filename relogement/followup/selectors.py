"""Reads of post-rehousing follow-ups: due milestones (computed from the definitive move-in) and a
household's milestones. Constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateField, Exists, F, Func, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from relogement.accounts.models import OrganisationKind
from relogement.followup.dates import MILESTONES, add_months
from relogement.followup.models import FollowUp
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.scopes import household_filter, organisation_of
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


class AddMonths(Func):
    """``add_months`` in SQL: the same day ``months`` later, clamped to the end of a shorter month.

    PostgreSQL's ``date + interval 'n months'`` already clamps; SQLite's ``date(d, '+n months')``
    overflows into the next month (31 Aug + 6 → 3 Mar), which is detected by the day changing and
    brought back to the last day of the intended month.
    """

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        super().__init__(expression, months=int(months), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "CAST((%(expressions)s + make_interval(months => %(months)s)) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        shifted = "date(%(expressions)s, '+%(months)s months')"
        template = (
            f"(CASE WHEN substr({shifted}, 9, 2) = substr(%(expressions)s, 9, 2) THEN {shifted} "
            f"ELSE date({shifted}, 'start of month', '-1 day') END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _last_move_in_due_by(limit: dt.date, months: int) -> dt.date:
    """The latest move-in date whose milestone ``months`` later falls on or before ``limit``
    (``add_months`` is non-decreasing, so every earlier move-in is due too)."""
    day = add_months(limit, -months)
    while add_months(day + dt.timedelta(days=1), months) <= limit:
        day += dt.timedelta(days=1)
    while add_months(day, months) > limit:
        day -= dt.timedelta(days=1)
    return day


def _due_rows(scope: Q, today: dt.date, horizon_days: int):
    """One row per due milestone (household, months, due date, follow-up id), computed in SQL.

    Same rule as ``_milestones``: for each definitive rehousing moved in since the look-back date,
    each milestone is due on its follow-up's date when the follow-up exists, else ``months`` after the
    move-in; listed when not done and due by the horizon. Written as a union of
    - the follow-ups not done and due (one indexed range over the open follow-ups), and
    - per milestone, the rehousings without that follow-up whose move-in is early enough (a range on
      the move-in date, computed here so that no month arithmetic runs in SQL).
    """
    since = add_months(today, -LOOKBACK_MONTHS)
    limit = today + dt.timedelta(days=horizon_days)
    rehoused_since = Rehousing.objects.current().filter(
        household=OuterRef("household"), kind=RehousingKind.DEFINITIVE, move_in_date__gte=since
    )
    open_followups = (
        FollowUp.objects.filter(scope, done_on__isnull=True, due_date__lte=limit, months_after__in=MILESTONES)
        .filter(Exists(rehoused_since))
        .order_by()
        .values_list("household_id", "months_after", "due_date", "pk")
    )
    parts = []
    for months in MILESTONES:
        last_move_in = _last_move_in_due_by(limit, months)
        if last_move_in < since:
            continue
        parts.append(
            Rehousing.objects.current()
            .filter(
                scope,
                kind=RehousingKind.DEFINITIVE,
                move_in_date__gte=since,
                move_in_date__lte=last_move_in,
            )
            .exclude(Exists(FollowUp.objects.filter(household=OuterRef("household"), months_after=months)))
            .order_by()
            .annotate(
                months=Value(months, output_field=IntegerField()),
                due=AddMonths(F("move_in_date"), months),
                followup_id=Value(None, output_field=IntegerField()),
            )
            .values_list("household_id", "months", "due", "followup_id")
        )
    return open_followups.union(*parts, all=True)


class DueMilestones:
    """The due milestones, earliest first, as a lazy sequence: ``len()`` is one COUNT query and a slice
    fetches only its rows (so a home panel or a paginated list stays fast whatever the number of
    rehousings). Iterating fetches everything."""

    def __init__(self, scope: Q, *, today: dt.date, horizon_days: int):
        self.today = today
        self._rows = _due_rows(scope, today, horizon_days)
        self._count: int | None = None
        self._all: list[Milestone] | None = None

    def count(self) -> int:
        if self._all is not None:
            return len(self._all)
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __bool__(self) -> bool:
        return self.count() > 0

    def _fetch(self, start=None, stop=None) -> list[Milestone]:
        rows = self._fetch_rows(start or 0, stop)
        if not rows:
            return []
        households = Household.objects.select_related("project").in_bulk({r[0] for r in rows})
        followup_ids = [r[3] for r in rows if r[3] is not None]
        followups = FollowUp.objects.in_bulk(followup_ids) if followup_ids else {}
        return [
            Milestone(households[household_id], months, due, followups.get(followup_id), self.today)
            for household_id, months, due, followup_id in rows
        ]

    def _fetch_rows(self, start: int, stop: int | None) -> list[tuple]:
        """The rows of the slice, earliest first, and the total with them (a window count over the
        same scan) so that a panel showing the first rows and the total reads the data once."""
        sql, params = self._rows.query.sql_with_params()
        # Columns: household id, months, due date, follow-up id.
        # Earliest first, then by household and milestone: the households' columns are read for the
        # slice only (a social provider of 50,000 households: no join of them all for a sort key).
        sql = f"SELECT u.*, COUNT(*) OVER () FROM ({sql}) u ORDER BY 3, 1, 2"
        if stop is not None:
            sql += " LIMIT %s OFFSET %s"
            params = (*params, max(stop - start, 0), start)
        elif start:
            sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            params = (*params, start)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if fetched:
            self._count = fetched[0][-1]
        rows = []
        for household_id, months, due, followup_id, _total in fetched:
            if isinstance(due, str):  # SQLite returns the computed dates as text
                due = dt.date.fromisoformat(due)
            rows.append((household_id, months, due, followup_id))
        return rows

    def _list(self) -> list[Milestone]:
        if self._all is None:
            self._all = self._fetch()
        return self._all

    def __getitem__(self, key):
        if self._all is not None:
            return self._all[key]
        if isinstance(key, slice):
            if key.step is not None or (key.start or 0) < 0 or (key.stop is not None and key.stop < 0):
                return self._list()[key]
            return self._fetch(key.start, key.stop)
        if key < 0:
            return self._list()[key]
        found = self._fetch(key, key + 1)
        if not found:
            raise IndexError(key)
        return found[0]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other):
        return list(self) == list(other)

    __hash__ = None


def due_followups(
    scope: Q, *, today: dt.date | None = None, horizon_days: int = HORIZON_DAYS
) -> DueMilestones:
    """Milestones not done whose due date is passed or within ``horizon_days``, earliest first, of the
    households that ``scope`` lets through (a filter on rows with a household key:
    ``scopes.household_filter(user, field="household_id")``, applied along each row's own household
    rather than as an IN over every household of the perimeter)."""
    return DueMilestones(scope, today=today or timezone.localdate(), horizon_days=horizon_days)


def due_followups_for(user, *, today: dt.date | None = None) -> DueMilestones | list[Milestone]:
    """The follow-ups a social worker has to do: households of her provider (empty for other roles,
    which do not record follow-ups)."""
    org = organisation_of(user)
    if org is None or org.kind != OrganisationKind.SOCIAL_PROVIDER:
        return []
    return due_followups(household_filter(user, field="household_id"), today=today)


def due_followups_in_scope(user, *, today: dt.date | None = None) -> DueMilestones | list[Milestone]:
    """Due follow-ups of every household the user sees (roles with access to named data)."""
    if not predicates.can_view_named_data(user):
        return []
    return due_followups(household_filter(user, field="household_id"), today=today)


def household_milestones(household: Household, *, today: dt.date | None = None) -> list[Milestone]:
    today = today or timezone.localdate()
    rehousing = household.rehousings.current().filter(kind=RehousingKind.DEFINITIVE).first()
    if rehousing is None:
        return []
    rehousing.household = household
    followups = {(f.household_id, f.months_after): f for f in household.followups.all()}
    return _milestones([rehousing], followups, today)
