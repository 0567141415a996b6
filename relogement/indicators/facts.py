"""Keeping the per-household facts (models.HouseholdFact) in step with their source rows.

``refresh_households()`` recomputes the facts of the households the triggers marked stale, in one
``INSERT … SELECT … ON CONFLICT DO UPDATE`` built from the ORM expressions below (the same SQL on
PostgreSQL and SQLite); ``freshness.refresh`` calls it before every read. The marks are claimed and the
facts written in one transaction, so that a write committed meanwhile leaves its own mark for the next
refresh and no change is ever lost: on PostgreSQL the claim is ``DELETE … RETURNING`` in the same
statement; SQLite serialises writers, so the statement that writes the facts already excludes them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear

from relogement.followup.models import Satisfaction
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import LEFT_STATUSES, ReportingStatus, statuses_reported_as
from relogement.indicators.models import HouseholdFact, StaleHousehold
from relogement.offers.models import Proposal
from relogement.rehousing.models import HousingStock, RehousingKind

MONEY = DecimalField(max_digits=12, decimal_places=2)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates), on PostgreSQL and SQLite."""

    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date − date is an integer
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def _date_key(expr):
    """A date as the integer YYYYMMDD, so that "+ 5 years" is "+ 50000" on any database."""
    return ExtractYear(expr) * 10000 + ExtractMonth(expr) * 100 + ExtractDay(expr)


class MovedInWithinFiveYears(Func):
    """Move-in before commissioning + 5 years, on YYYYMMDD keys (so 29 February + 5 years = 1 March).

    Arguments: move-in key, commissioning key, move-in date, commissioning date. PostgreSQL compares
    the dates instead: ``move_in − 5 years < commissioning`` is the same test (``− 5 years`` maps
    29 February to 28 February, and no valid date lies between 28 February and the key …0229 of a
    common year)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        move_key, commissioning_key, _, _ = self.source_expressions
        move_sql, move_params = compiler.compile(move_key)
        comm_sql, comm_params = compiler.compile(commissioning_key)
        return f"({move_sql} < {comm_sql} + 50000)", (*move_params, *comm_params)

    def as_postgresql(self, compiler, connection, **extra):
        _, _, move_in, commissioning = self.source_expressions
        move_sql, move_params = compiler.compile(move_in)
        comm_sql, comm_params = compiler.compile(commissioning)
        return f"(({move_sql} - interval '5 years') < {comm_sql})", (*move_params, *comm_params)


def month_number(expression):
    """Months since year 0 as an integer (cheaper to group on and to read back than a timestamp)."""
    return ExpressionWrapper(
        ExtractYear(expression) * 12 + ExtractMonth(expression) - 1, output_field=IntegerField()
    )


def reporting_mapping(column: str = "to_status") -> Case:
    """A raw lifecycle status mapped to its reporting status (households.statuses.REPORTING_STATUS)."""
    return Case(
        *[When(**{f"{column}__in": statuses_reported_as(r)}, then=Value(r)) for r in ReportingStatus.values],
        output_field=CharField(),
    )


def latest_changes(household: str, on: dt.date | None = None):
    """Status changes of the outer query's household (``household``: its id column), latest first
    (latest effective date, then latest recorded); only those dated on or before ``on`` if given."""
    changes = HouseholdStatusChange.objects.filter(household=OuterRef(household))
    if on is not None:
        changes = changes.filter(effective_date__lte=on)
    return changes.order_by("-effective_date", "-pk")


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _as_float(expression) -> Cast:
    return Cast(expression, FloatField())


def fact_expressions() -> dict[str, object]:
    """HouseholdFact field → expression over a Household queryset annotated by :func:`source`."""
    zero = Value(Decimal("0"), output_field=MONEY)
    # Decent-housing area norm (INDICATORS.md): 9 m² for one person, 16 m² for two, + 9 m² per extra
    # person, 70 m² from eight persons.
    norm = Case(
        When(persons__lte=1, then=Value(9)),
        When(persons__gte=8, then=Value(70)),
        default=Value(16) + (F("persons") - Value(2)) * Value(9),
        output_field=IntegerField(),
    )
    rac_before = F("rent_before") + F("charges_before") - F("apl_before") - Coalesce("rls_before", zero)
    rac_after = F("defr__rent") + F("defr__charges") - F("defr__apl") - Coalesce("defr__rls", zero)
    rac_ok = Q(
        rent_before__isnull=False,
        charges_before__isnull=False,
        apl_before__isnull=False,
        defr__rent__isnull=False,
        defr__charges__isnull=False,
        defr__apl__isnull=False,
    )
    resources = Q(monthly_resources__gt=0)
    latest = latest_changes("pk")
    notified = (
        Proposal.objects.filter(household=OuterRef("pk"), notified_date__isnull=False)
        .order_by()
        .values("household")
    )
    return {
        "household_id": F("pk"),
        "building_id": F("building_id"),
        "census_date": F("census_date"),
        "census_month": month_number("census_date"),
        "is_split": _flag(Q(split_from__isnull=False)),
        "status": Coalesce(
            Subquery(latest.annotate(rep=reporting_mapping()).values("rep")[:1]),
            Value(ReportingStatus.A_DIAGNOSTIQUER),
            output_field=CharField(),
        ),
        "status_since": Subquery(latest.values("effective_date")[:1], output_field=DateField()),
        "status_month": month_number(Subquery(latest.values("effective_date")[:1], output_field=DateField())),
        "move_in": F("defr__move_in_date"),
        "move_in_month": month_number("defr__move_in_date"),
        "delay_days": DaysBetween(F("defr__move_in_date"), F("census_date")),
        "destination_commune_id": F("defr__commune_id"),
        "in_qpv": F("defr__in_qpv"),
        "social": _flag(Q(defr__housing_stock=HousingStock.SOCIAL)),
        "rent_reduction": F("defr__rent_reduction_payment"),
        "is_new": _flag(
            Q(defr__housing_stock=HousingStock.SOCIAL)
            & Q(
                MovedInWithinFiveYears(
                    _date_key("defr__move_in_date"),
                    _date_key("defr__commissioning_date"),
                    F("defr__move_in_date"),
                    F("defr__commissioning_date"),
                )
            )
        ),
        "same_commune": _flag(Q(defr__commune_id=F("building__commune_id"))),
        "rac_ok": Coalesce(_flag(rac_ok), Value(False)),
        "effort_ok": Coalesce(_flag(rac_ok & resources), Value(False)),
        "area_ok": Coalesce(
            _flag(Q(origin_living_area__isnull=False, defr__living_area__isnull=False, persons__gt=0)),
            Value(False),
        ),
        "rac_before": ExpressionWrapper(rac_before, output_field=MONEY),
        "rac_after": ExpressionWrapper(rac_after, output_field=MONEY),
        "rac_delta": ExpressionWrapper(rac_after - rac_before, output_field=MONEY),
        "effort_before": Case(
            When(resources, then=_as_float(rac_before) / _as_float("monthly_resources")),
            output_field=FloatField(),
        ),
        "effort_after": Case(
            When(resources, then=_as_float(rac_after) / _as_float("monthly_resources")),
            output_field=FloatField(),
        ),
        "area_before": Case(
            When(persons__gt=0, then=_as_float("origin_living_area") / _as_float("persons")),
            output_field=FloatField(),
        ),
        "area_after": Case(
            When(persons__gt=0, then=_as_float("defr__living_area") / _as_float("persons")),
            output_field=FloatField(),
        ),
        "crowded_before": _flag(Q(origin_living_area__lt=norm)),
        "crowded_after": _flag(Q(defr__living_area__lt=norm)),
        "followup_on": Coalesce(F("fu6__done_on"), F("fu6__due_date"), output_field=DateField()),
        "satisfaction_answered": Coalesce(_flag(~Q(fu_satisfaction="")), Value(False)),
        "satisfied": Coalesce(
            _flag(Q(fu_satisfaction__in=[Satisfaction.VERY, Satisfaction.SATISFIED])), Value(False)
        ),
        "arrears": F("fu6__rent_arrears"),
        "proposal_count": Coalesce(
            Subquery(notified.annotate(n=Count("pk")).values("n")), Value(0), output_field=IntegerField()
        ),
        "last_notified": Subquery(
            notified.annotate(last=Max("notified_date")).values("last"), output_field=DateField()
        ),
        "first_departure": Subquery(
            HouseholdStatusChange.objects.filter(household=OuterRef("pk"), to_status__in=LEFT_STATUSES)
            .order_by("effective_date")
            .values("effective_date")[:1],
            output_field=DateField(),
        ),
    }


def source(households):
    """Households joined to their current definitive rehousing (a superseded one is history) and 6-month
    follow-up (at most one row each, by the unique constraints), with the aliases the fact expressions use."""
    return households.annotate(
        defr=FilteredRelation(
            "rehousings",
            condition=Q(rehousings__kind=RehousingKind.DEFINITIVE, rehousings__superseded_on__isnull=True),
        ),
        fu6=FilteredRelation("followups", condition=Q(followups__months_after=6)),
    ).alias(
        persons=ExpressionWrapper(F("adults_count") + F("children_count"), output_field=IntegerField()),
        fu_satisfaction=Coalesce(F("fu6__home_satisfaction"), Value(""), output_field=CharField()),
    )


def _select_sql(households) -> tuple[list[str], str, tuple]:
    """The SELECT that computes the facts of ``households``: its column names and SQL."""
    expressions = fact_expressions()
    names = [f"fact_{name}" for name in expressions]
    query = (
        source(households)
        .order_by()
        .annotate(**{alias: expr for alias, expr in zip(names, expressions.values(), strict=True)})
    )
    query = query.values(*names)
    compiler = query.query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    # Read the order of the columns from the compiler rather than assuming it.
    order = [alias for _, _, alias in compiler.select]
    columns = [HouseholdFact._meta.get_field(alias.removeprefix("fact_")).column for alias in order]
    return columns, sql, tuple(params)


def _upsert_sql(households) -> tuple[str, tuple]:
    columns, select, params = _select_sql(households)
    qn = connection.ops.quote_name
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in columns if c != "household_id")
    statement = (
        f"INSERT INTO {qn(HouseholdFact._meta.db_table)} ({', '.join(qn(c) for c in columns)}) {select} "
        f"ON CONFLICT ({qn('household_id')}) DO UPDATE SET {updates}"
    )
    return statement, params


def refresh_households() -> int:
    """Recompute the facts of the stale households (within ``freshness.refresh``'s transaction);
    returns how many were recomputed."""
    stale = connection.ops.quote_name(StaleHousehold._meta.db_table)
    if connection.vendor == "postgresql":
        households = Household.objects.filter(pk__in=RawSQL("SELECT household_id FROM claimed", ()))
        statement, params = _upsert_sql(households)
        statement = f"WITH claimed AS (DELETE FROM {stale} RETURNING household_id) {statement}"
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.rowcount
    households = Household.objects.filter(pk__in=RawSQL(f"SELECT household_id FROM {stale}", ()))
    statement, params = _upsert_sql(households)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        count = cursor.rowcount
        cursor.execute(f"DELETE FROM {stale}")
        return count


def mark_all_stale() -> None:
    """Every household to recompute (after a change of the computation: ``manage.py rebuild_indicators``)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(StaleHousehold._meta.db_table)} (household_id) SELECT id FROM "
            f"{qn(Household._meta.db_table)} WHERE 1 = 1 ON CONFLICT DO NOTHING"
        )
