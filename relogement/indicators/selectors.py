"""Computation of the indicators of INDICATORS.md, as database aggregations.

Query strategy (docs/indicators.md): one query over a derived table. The inner query takes the
households of the perimeter (scoped), LEFT JOINs their definitive rehousing and their 6-month follow-up
(``FilteredRelation``; at most one row each by the unique constraints) and computes per household its
reporting status as of the date (a correlated subquery served by the ``status_as_of_idx`` index, mapped
to the reporting status inside the subquery) and the flags and values the populations need (the impact
ones only for rehoused rows). The outer query is one ``FILTER``-ed aggregate per figure. A slice keeps
the inner query a derived table (flattened, PostgreSQL would copy the status subquery into every
FILTER). Medians: PostgreSQL ``percentile_disc(0.5)`` ascending and descending in that same query
(exact values of the column type, mean of the two middle values); SQLite: one query per median that
fetches only the one or two middle values (``ORDER BY … LIMIT 2 OFFSET k``), the size being known from
the main aggregate. Histograms: PostgreSQL packs a whole distribution in one aggregate. Nothing loads
the households into Python.

For the dashboard on PostgreSQL (``compute(..., with_burndown=True)``) the derived table becomes a
materialised CTE, and the same statement also returns the burn-down counts and the proposal figures
from it: the status as of the date is computed once per household for the whole page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Field,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils.text import slugify

from relogement.followup.models import Satisfaction
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import ReportingStatus, statuses_reported_as
from relogement.indicators import registry
from relogement.offers.models import Answer, Proposal, RefusalReason
from relogement.rehousing.models import HousingStock, RehousingKind

MONEY = DecimalField(max_digits=12, decimal_places=2)
ALL = object()  # the command-line scope: every household (no user)

R = ReportingStatus


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


class _MiddleValues(Aggregate):
    """PostgreSQL ``percentile_disc``: the lower and upper middle values, exact, from one sort.

    percentile_disc(f) is the value at position ceil(f·n): f = 0.5 gives the lower middle value and
    f = 0.5 + 1e-12 the upper one (position n/2 + 1 for an even n, (n + 1)/2 for an odd n, for any
    n below 10^11)."""

    function = "percentile_disc"
    template = "percentile_disc(ARRAY[0.5, 0.500000000001]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=Field(), **extra)


HIST_BITS = 32


class _Histogram(Aggregate):
    """PostgreSQL: counts per bin packed in one numeric sum, so that a distribution costs one aggregate.

    ``width_bucket(x, thresholds)`` is the bin index (0 below the first threshold); each row adds
    2^(32·index), and the counts are read back from the sum's 32-bit digits (fewer than 2^32 rows).
    """

    function = "SUM"
    template = "SUM((%(weights)s)[width_bucket(CAST(%(expressions)s AS float8), %(thresholds)s) + 1])"

    def __init__(self, expression, *, thresholds, **extra):
        weights = (
            "ARRAY[" + ", ".join(f"{2 ** (HIST_BITS * i)}::numeric" for i in range(len(thresholds) + 1)) + "]"
        )
        bounds = "ARRAY[" + ", ".join(f"{float(t)!r}::float8" for t in thresholds) + "]"
        super().__init__(expression, weights=weights, thresholds=bounds, output_field=DecimalField(), **extra)


def _unpack(total, size: int) -> list[int]:
    value = int(total or 0)
    mask = (1 << HIST_BITS) - 1
    return [(value >> (HIST_BITS * i)) & mask for i in range(size)]


@contextmanager
def heavy_query():
    """PostgreSQL settings for the few wide aggregates of this module, scoped to one transaction:
    no JIT (compiling these plans costs seconds and saves nothing at this size), more sort memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def month_number(expression):
    """Months since year 0 as an integer (cheaper to group on and to read back than a timestamp)."""
    return ExpressionWrapper(
        ExtractYear(expression) * 12 + ExtractMonth(expression) - 1, output_field=IntegerField()
    )


class NothingToQuery(Exception):
    pass


def _captured_sql(run) -> tuple[str, tuple]:
    """The SQL and parameters of the first statement ``run()`` sends; a no-op is sent in its place
    (so that query logs stay readable and ``run()`` returns normally, with an empty result)."""
    captured = []

    def intercept(execute, sql, params, many, context):
        if captured:
            return execute(sql, params, many, context)
        captured.append((sql, tuple(params or ())))
        return execute("SELECT 1 WHERE FALSE", None, many, context)

    with connection.execute_wrapper(intercept):
        run()
    if not captured:
        # Django sends nothing for a queryset it knows to be empty (e.g. an empty scope).
        raise NothingToQuery
    return captured[0]


def _placeholders(sql: str) -> int:
    return sum(1 for token in re.findall(r"%%|%s", sql) if token == "%s")


def _triples(text: str | None) -> list[tuple[int, int, int]]:
    if not text:
        return []
    numbers = iter(map(int, text.split(",")))
    return list(zip(numbers, numbers, numbers, strict=True))


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _date_key(expr):
    """A date as the integer YYYYMMDD, so that "+ 5 years" is "+ 50000" on any database."""
    return ExtractYear(expr) * 10000 + ExtractMonth(expr) * 100 + ExtractDay(expr)


class MovedInWithinFiveYears(Func):
    """Move-in before commissioning + 5 years, on YYYYMMDD keys (so 29 February + 5 years = 1 March).

    Arguments: move-in key, commissioning key, move-in date, commissioning date. PostgreSQL compares
    the dates instead: ``move_in − 5 years < commissioning`` is the same test (``− 5 years`` maps
    29 February to 28 February, and no valid date lies between 28 February and the key …0229 of a
    common year) without the six numeric ``EXTRACT``s per row."""

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


def _round(value, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator, decimals: int) -> Decimal | None:
    if not denominator:
        return None
    return _round(Decimal(str(numerator)) / Decimal(str(denominator)), decimals)


@dataclass
class AsOf:
    """The populations of INDICATORS.md as Q objects over :func:`as_of_households`.

    The status part (``status``) needs the ``rep`` annotation (reporting status as of the date); the
    other parts only read the household row and its joined definitive rehousing and 6-month follow-up,
    so that the grouped aggregate of :func:`compute` (grouped by status) can use them as FILTERs.
    """

    date: dt.date

    def status(self, reporting: str) -> Q:
        return Q(rep=reporting)

    @property
    def census(self) -> Q:  # C
        return Q(split_from__isnull=True, census_date__lte=self.date)

    @property
    def moved_in(self) -> Q:  # D is "status reloge" and this
        # Through the alias, so that a .filter() reuses the LEFT JOIN instead of adding one.
        return Q(d_move_in__lte=self.date)

    @property
    def rac_ok(self) -> Q:
        # Null checks on the columns rather than on the computed sums: same rows, cheaper per row.
        return Q(
            rent_before__isnull=False,
            charges_before__isnull=False,
            apl_before__isnull=False,
            defr__rent__isnull=False,
            defr__charges__isnull=False,
            defr__apl__isnull=False,
        )

    @property
    def effort_ok(self) -> Q:
        return self.rac_ok & Q(monthly_resources__gt=0)

    @property
    def area_ok(self) -> Q:
        return Q(origin_living_area__isnull=False, defr__living_area__isnull=False, persons__gt=0)

    @property
    def satisfaction_answered(self) -> Q:
        return Q(fu_answered_on__lte=self.date) & ~Q(fu_satisfaction="")

    @property
    def arrears_answered(self) -> Q:
        return Q(fu_answered_on__lte=self.date, fu6__rent_arrears__isnull=False)

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
            "avancement.decohabitations": self.definitive & Q(split_from__isnull=False),
        }
        if indicator_id in simple:
            return simple[indicator_id]
        if indicator_id.startswith(registry.STATUS_PREFIX):
            status = indicator_id.removeprefix(registry.STATUS_PREFIX)
            if status in R.values:
                return c & self.status(status)
        return None


def scoped_households(user, perimeter):
    """Households of the perimeter within the user's scope (``ALL`` for the command line)."""
    qs = Household.objects.all() if user is ALL else Household.objects.visible_to(user)
    return qs.filter(perimeter.household_q())


def reporting_status_as_of(as_of: dt.date):
    """The reporting status on the date: the latest change dated on or before it, mapped in the subquery
    itself so that grouping by it evaluates one index probe per household. Before any recorded
    status a household is "to diagnose" (imports and the lifecycle both start the history so)."""
    mapping = Case(
        *[When(to_status__in=statuses_reported_as(r), then=Value(r)) for r in R.values],
        output_field=CharField(),
    )
    latest = (
        HouseholdStatusChange.objects.filter(household=OuterRef("pk"), effective_date__lte=as_of)
        .order_by("-effective_date", "-pk")
        .annotate(rep=mapping)
        .values("rep")[:1]
    )
    return Coalesce(Subquery(latest), Value(R.A_DIAGNOSTIQUER), output_field=CharField())


def with_row_expressions(households, as_of: dt.date):
    """Joins (definitive rehousing, 6-month follow-up) and per-row expressions, as aliases (not selected)."""
    zero = Value(Decimal("0"), output_field=MONEY)
    persons = F("adults_count") + F("children_count")
    proposals = (
        Proposal.objects.filter(household=OuterRef("pk"), notified_date__lte=as_of)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    norm = Case(
        When(persons__lte=1, then=Value(9)),
        When(persons__gte=8, then=Value(70)),
        default=Value(16) + (F("persons") - Value(2)) * Value(9),
        output_field=IntegerField(),
    )
    return (
        households.annotate(
            defr=FilteredRelation("rehousings", condition=Q(rehousings__kind=RehousingKind.DEFINITIVE)),
            fu6=FilteredRelation("followups", condition=Q(followups__months_after=6)),
        )
        .alias(
            d_move_in=F("defr__move_in_date"),
            move_in_key=_date_key("defr__move_in_date"),
            commissioning_key=_date_key("defr__commissioning_date"),
            persons=ExpressionWrapper(persons, output_field=IntegerField()),
            fu_answered_on=Coalesce(F("fu6__done_on"), F("fu6__due_date"), output_field=DateField()),
            fu_satisfaction=Coalesce(F("fu6__home_satisfaction"), Value(""), output_field=CharField()),
            rac_before=ExpressionWrapper(
                F("rent_before") + F("charges_before") - F("apl_before") - Coalesce("rls_before", zero),
                output_field=MONEY,
            ),
            rac_after=ExpressionWrapper(
                F("defr__rent") + F("defr__charges") - F("defr__apl") - Coalesce("defr__rls", zero),
                output_field=MONEY,
            ),
            n_proposals=Coalesce(Subquery(proposals), Value(0), output_field=IntegerField()),
            delay_days=DaysBetween(F("defr__move_in_date"), F("census_date")),
        )
        .alias(
            rac_delta=ExpressionWrapper(F("rac_after") - F("rac_before"), output_field=MONEY),
            effort_before=Case(
                When(
                    monthly_resources__gt=0,
                    then=Cast("rac_before", FloatField()) / Cast("monthly_resources", FloatField()),
                ),
                output_field=FloatField(),
            ),
            effort_after=Case(
                When(
                    monthly_resources__gt=0,
                    then=Cast("rac_after", FloatField()) / Cast("monthly_resources", FloatField()),
                ),
                output_field=FloatField(),
            ),
            area_pp_before=Case(
                When(
                    persons__gt=0,
                    then=Cast("origin_living_area", FloatField()) / Cast("persons", FloatField()),
                ),
                output_field=FloatField(),
            ),
            area_pp_after=Case(
                When(
                    persons__gt=0,
                    then=Cast("defr__living_area", FloatField()) / Cast("persons", FloatField()),
                ),
                output_field=FloatField(),
            ),
            crowded_before=ExpressionWrapper(Q(origin_living_area__lt=norm), output_field=BooleanField()),
            crowded_after=ExpressionWrapper(Q(defr__living_area__lt=norm), output_field=BooleanField()),
            same_commune=ExpressionWrapper(
                Q(defr__commune_id=F("building__commune_id")), output_field=BooleanField()
            ),
            is_new=ExpressionWrapper(
                Q(defr__housing_stock=HousingStock.SOCIAL)
                & Q(
                    MovedInWithinFiveYears(
                        F("move_in_key"),
                        F("commissioning_key"),
                        F("defr__move_in_date"),
                        F("defr__commissioning_date"),
                    )
                ),
                output_field=BooleanField(),
            ),
        )
    )


def as_of_households(households, as_of: dt.date):
    """Households annotated with ``rep`` (reporting status as of the date) and the row expressions;
    the drill-down filters it with :class:`AsOf` to list the households behind a count."""
    return with_row_expressions(households, as_of).annotate(rep=reporting_status_as_of(as_of))


# Distributions shown before/after on the impact dashboard: (key, label, lower bound, upper bound).
RAC_BINS = [
    ("lt0", "moins de 0 €", None, 0),
    ("0_100", "0 à 100 €", 0, 100),
    ("100_200", "100 à 200 €", 100, 200),
    ("200_300", "200 à 300 €", 200, 300),
    ("300_400", "300 à 400 €", 300, 400),
    ("400_500", "400 à 500 €", 400, 500),
    ("ge500", "500 € et plus", 500, None),
]
EFFORT_BINS = [
    ("lt10", "moins de 10 %", None, 0.10),
    ("10_20", "10 à 20 %", 0.10, 0.20),
    ("20_30", "20 à 30 %", 0.20, 0.30),
    ("30_40", "30 à 40 %", 0.30, 0.40),
    ("ge40", "40 % et plus", 0.40, None),
]
AREA_BINS = [
    ("lt9", "moins de 9 m²", None, 9),
    ("9_14", "9 à 14 m²", 9, 14),
    ("14_20", "14 à 20 m²", 14, 20),
    ("20_30", "20 à 30 m²", 20, 30),
    ("ge30", "30 m² et plus", 30, None),
]
DISTRIBUTIONS = {
    "rac": ("Reste à charge mensuel", "rac_before", "rac_after", "rac_rows", RAC_BINS),
    "effort": ("Taux d'effort", "effort_before", "effort_after", "effort_rows", EFFORT_BINS),
    "surface": ("Surface par personne", "area_pp_before", "area_pp_after", "area_rows", AREA_BINS),
}


def _bin_q(column: str, low, high) -> Q:
    q = Q()
    if low is not None:
        q &= Q(**{f"{column}__gte": low})
    if high is not None:
        q &= Q(**{f"{column}__lt": high})
    return q


@dataclass
class Result:
    """Every indicator value (exact) plus what the views need to apply the secret statistique."""

    as_of: dt.date
    values: dict[str, object]
    # indicator id → the counts it is computed from (numerator, population): hidden if any is < 5.
    bases: dict[str, tuple[int, ...]]
    motifs: dict[str, str]
    distributions: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    # (census rows, leaving rows) of the burn-down when computed in the same statement (PostgreSQL).
    burndown: tuple[list, list] | None = None

    def indicators(self) -> list[registry.Indicator]:
        return registry.expand(self.motifs)


MEDIANS = {
    # indicator id → (row expression, population within the "reloge" group)
    "impact.rac_evolution_mediane": ("rac_delta", "rac"),
    "impact.surface_par_personne_avant_mediane": ("area_pp_before", "area"),
    "impact.surface_par_personne_apres_mediane": ("area_pp_after", "area"),
    "processus.delai_median_jours": ("delay_days", "dc"),
}


def _median_by_offset(annotated, population: Q, column: str, size: int):
    """Middle value(s) fetched with ORDER BY … OFFSET: only one or two values leave the database."""
    if size == 0:
        return None
    start = (size - 1) // 2
    stop = size // 2 + 1
    middle = annotated.filter(population).annotate(middle=F(column)).order_by("middle")
    values = list(middle.values_list("middle", flat=True)[start:stop])
    return sum(Decimal(str(v)) for v in values) / len(values)


def _median_populations(pop: AsOf) -> dict[str, Q]:
    """Populations of the medians within the "reloge" status (SQLite path, see _median_by_offset)."""
    dc = pop.moved_in & pop.census
    return {"dc": dc, "rac": dc & pop.rac_ok, "area": dc & pop.area_ok}


NO_LIMIT = 2**62


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def _aggregate(
    households, as_of: dt.date, pop: AsOf, postgres: bool, burndown: bool = False
) -> dict[str, dict]:
    """The one query of every count, sum, histogram and (PostgreSQL) median.

    A derived table: the inner query computes, once per household, the reporting status as of the
    date (one index probe) and the flags and values the populations need; the outer aggregates only
    compare those columns. Returned per status, the impact figures under "reloge".

    ``burndown`` (PostgreSQL): the same statement also returns the burn-down counts (census and
    leaving households per building and month, see :func:`_with_burndown`), so that the status as of
    the date is computed once per household for the whole dashboard."""
    moved, census = pop.moved_in, pop.census

    def only_moved(expression, output_field):
        # Impact columns only matter for rehoused rows: CASE is lazy, the rest of the rows skip the
        # (numeric, date) arithmetic.
        return Case(When(moved, then=expression), output_field=output_field)

    boolean, number, real = BooleanField(), MONEY, FloatField()
    inner = with_row_expressions(households, as_of).annotate(
        rep=reporting_status_as_of(as_of),
        f_c=_flag(census),
        f_m=_flag(moved),
        f_split=_flag(Q(split_from__isnull=False)),
        f_rac=only_moved(_flag(pop.rac_ok), boolean),
        f_eff=only_moved(_flag(pop.effort_ok), boolean),
        f_area=only_moved(_flag(pop.area_ok), boolean),
        f_sat=only_moved(_flag(pop.satisfaction_answered), boolean),
        f_satisfied=only_moved(
            _flag(Q(fu_satisfaction__in=[Satisfaction.VERY, Satisfaction.SATISFIED])), boolean
        ),
        f_arr=only_moved(_flag(pop.arrears_answered), boolean),
        f_arrears=F("fu6__rent_arrears"),
        f_new=only_moved(F("is_new"), boolean),
        f_out_qpv=_flag(Q(defr__in_qpv=False)),
        f_social=_flag(Q(defr__housing_stock=HousingStock.SOCIAL)),
        f_reduction=F("defr__rent_reduction_payment"),
        f_same=only_moved(F("same_commune"), boolean),
        f_crowded_b=only_moved(F("crowded_before"), boolean),
        f_crowded_a=only_moved(F("crowded_after"), boolean),
        v_rac_b=only_moved(F("rac_before"), number),
        v_rac_a=only_moved(F("rac_after"), number),
        v_delta=only_moved(F("rac_delta"), number),
        v_eff_b=only_moved(F("effort_before"), real),
        v_eff_a=only_moved(F("effort_after"), real),
        v_area_b=only_moved(F("area_pp_before"), real),
        v_area_a=only_moved(F("area_pp_after"), real),
        v_delay=only_moved(F("delay_days"), IntegerField()),
    )
    burndown = burndown and postgres
    if not burndown:
        # The proposal count only runs for Dc rows.
        inner = inner.annotate(
            v_props=Case(When(moved & census, then=F("n_proposals")), output_field=IntegerField())
        )
    d = Q(rep=R.RELOGE, f_m=True)
    dc = d & Q(f_c=True)
    rac = dc & Q(f_rac=True)
    effort = dc & Q(f_eff=True)
    area = dc & Q(f_area=True)
    sat = d & Q(f_sat=True)
    arrears = d & Q(f_arr=True)
    populations = {"dc": dc, "rac": rac, "area": area}
    aggregates = {f"c__{status}": Count("rep", filter=Q(rep=status, f_c=True)) for status in R.values}
    aggregates.update(
        {
            "d": Count("rep", filter=d),
            "dc": Count("rep", filter=dc),
            "split": Count("rep", filter=d & Q(f_split=True)),
            "new": Count("rep", filter=d & Q(f_new=True)),
            "out_qpv": Count("rep", filter=d & Q(f_out_qpv=True)),
            "same": Count("rep", filter=d & Q(f_same=True)),
            "social": Count("rep", filter=d & Q(f_social=True)),
            "reduction": Count("rep", filter=d & Q(f_reduction=True)),
            "rac": Count("rep", filter=rac),
            "sum_rac_before": Sum("v_rac_b", filter=rac),
            "sum_rac_after": Sum("v_rac_a", filter=rac),
            "rac_up": Count("rep", filter=rac & Q(v_delta__gt=0)),
            "effort": Count("rep", filter=effort),
            "sum_effort_before": Sum("v_eff_b", filter=effort),
            "sum_effort_after": Sum("v_eff_a", filter=effort),
            "area": Count("rep", filter=area),
            "crowded_before": Count("rep", filter=area & Q(f_crowded_b=True)),
            "crowded_after": Count("rep", filter=area & Q(f_crowded_a=True)),
            "sat": Count("rep", filter=sat),
            "satisfied": Count("rep", filter=sat & Q(f_satisfied=True)),
            "arrears_answers": Count("rep", filter=arrears),
            "arrears": Count("rep", filter=arrears & Q(f_arrears=True)),
            "proposals_dc": Sum("v_props", filter=dc),
        }
    )
    columns = {
        "rac": ("v_rac_b", "v_rac_a"),
        "effort": ("v_eff_b", "v_eff_a"),
        "surface": ("v_area_b", "v_area_a"),
    }
    for key, (_, _, _, rows, bins) in DISTRIBUTIONS.items():
        population = {"rac_rows": rac, "effort_rows": effort, "area_rows": area}[rows]
        before, after = columns[key]
        if postgres:
            thresholds = [low for _, _, low, _ in bins[1:]]
            aggregates[f"hist_{key}_b"] = _Histogram(before, thresholds=thresholds, filter=population)
            aggregates[f"hist_{key}_a"] = _Histogram(after, thresholds=thresholds, filter=population)
            continue
        for bin_key, _, low, high in bins:
            aggregates[f"dist_{key}_{bin_key}_b"] = Count(
                "rep", filter=population & _bin_q(before, low, high)
            )
            aggregates[f"dist_{key}_{bin_key}_a"] = Count("rep", filter=population & _bin_q(after, low, high))
    if postgres:
        median_columns = {
            "impact.rac_evolution_mediane": "v_delta",
            "impact.surface_par_personne_avant_mediane": "v_area_b",
            "impact.surface_par_personne_apres_mediane": "v_area_a",
            "processus.delai_median_jours": "v_delay",
        }
        for indicator_id, (_, rows) in MEDIANS.items():
            column = median_columns[indicator_id]
            aggregates[f"{indicator_id}:middle"] = _MiddleValues(column, filter=populations[rows])
    if burndown:
        inner = _burndown_columns(inner, as_of, pop)
        # Counted by joining the proposals to the per-household rows instead (see _with_burndown).
        del aggregates["proposals_dc"]
        # Referenced so that the aggregation keeps them in the derived table.
        aggregates.update({f"_{c}": Count(c) for c in BURNDOWN_COLUMNS})
    # The slice keeps the inner query a derived table that PostgreSQL does not flatten (flattened, the
    # status subquery would be copied into every FILTER clause).
    derived = inner.order_by()[:NO_LIMIT]
    with heavy_query():
        if burndown:
            a = _with_burndown(derived, aggregates, as_of)
        else:
            a = derived.aggregate(**aggregates)
    groups: dict[str, dict] = {status: {"c": a.pop(f"c__{status}")} for status in R.values}
    groups[R.RELOGE].update(a)
    return groups


BURNDOWN_COLUMNS = ("bd_household", "bd_building", "bd_census_date", "bd_move_in")


def _burndown_columns(inner, as_of: dt.date, pop: AsOf):
    """Per household: id, building, census date (census households), move-in date (moved in); the
    months are computed by the consumers of the CTE (see _with_burndown)."""
    return inner.annotate(
        bd_household=F("pk"),
        bd_building=F("building_id"),
        bd_census_date=Case(When(pop.census, then=F("census_date")), output_field=DateField()),
        bd_move_in=Case(When(pop.moved_in, then=F("d_move_in")), output_field=DateField()),
    )


def _month_sql(column: str) -> str:
    return f"(CAST(date_part('year', {column}) AS integer) * 12 + CAST(date_part('month', {column}) AS integer) - 1)"


def _with_burndown(derived, aggregates, as_of: dt.date) -> dict:
    """The aggregate of ``derived`` plus, from the same per-household rows (a materialised CTE):

    - the burn-down counts: census households per (building, census month) and census households that
      left per (building, leaving month): rehoused (status "reloge" and moved in) by move-in month,
      exited (status "sorti") by the month of their latest change;
    - the proposal figures (accepted, refused, proposals of Dc households, refusals per reason), the
      proposals joined to those rows rather than to a second evaluation of the perimeter and scope.
    """
    try:
        sql, params = _captured_sql(lambda: derived.aggregate(**aggregates))
    except NothingToQuery:
        values = derived.aggregate(**aggregates)
        for column in BURNDOWN_COLUMNS:
            values.pop(f"_{column}", None)
        values.update(burndown=([], []), proposals_dc=0, proposals=([], 0, 0))
        return values
    start = sql.index(" FROM (SELECT ")
    suffix = ") subquery"
    if not sql.endswith(suffix):
        raise RuntimeError("unexpected aggregate SQL")
    outer, inner = sql[:start], sql[start + len(" FROM (") : -len(suffix)]
    n_outer = _placeholders(outer)
    outer_params, inner_params = params[:n_outer], params[n_outer:]
    qn = connection.ops.quote_name
    proposal, reason = qn(Proposal._meta.db_table), qn(RefusalReason._meta.db_table)
    changes = qn(HouseholdStatusChange._meta.db_table)
    census = (
        "(SELECT string_agg(concat_ws(',', b, m, n), ',') FROM (SELECT bd_building AS b, "
        f"{_month_sql('bd_census_date')} AS m, COUNT(*) AS n FROM h WHERE bd_census_date IS NOT NULL "
        "GROUP BY 1, 2) x)"
    )
    # The exit date is the date of the change that gave the status: probed only for exited rows.
    exit_date = (
        f"(SELECT c.effective_date FROM {changes} c WHERE c.household_id = h.bd_household AND "
        "c.effective_date <= %s ORDER BY c.effective_date DESC, c.id DESC LIMIT 1)"
    )
    # OFFSET 0 keeps the leaving date computed once per row (not inlined twice into the month).
    left = (
        f"(SELECT string_agg(concat_ws(',', b, m, n), ',') FROM (SELECT b, {_month_sql('d')} AS m, COUNT(*) AS n "
        "FROM (SELECT bd_building AS b, CASE WHEN rep = %s AND f_m THEN bd_move_in WHEN rep = %s THEN "
        f"{exit_date} END AS d FROM h WHERE f_c OFFSET 0) y WHERE d IS NOT NULL GROUP BY 1, 2) x)"
    )
    # One pass over the proposals of the rows: counts per (answer as of the date, Dc, reason).
    answered = "(p.answer_date IS NULL OR p.answer_date <= %s)"
    proposals = (
        "(SELECT json_agg(json_build_array(a, dc, code, text, n)) FROM (SELECT CASE WHEN "
        f"{answered} THEN p.answer END AS a, (h.rep = %s AND h.f_m AND h.f_c) AS dc, r.code, "
        f"p.refusal_reason_text AS text, COUNT(*) AS n FROM {proposal} p JOIN h ON h.bd_household = "
        f"p.household_id LEFT JOIN {reason} r ON r.id = p.refusal_reason_id WHERE p.notified_date <= %s "
        "GROUP BY 1, 2, 3, 4) x)"
    )
    statement = f"WITH h AS MATERIALIZED ({inner}) {outer}, {census}, {left}, {proposals} FROM h"
    extra = (R.RELOGE, R.SORTI_SANS_RELOGEMENT, as_of, as_of, R.RELOGE, as_of)
    with connection.cursor() as cursor:
        cursor.execute(statement, (*inner_params, *outer_params, *extra))
        row = cursor.fetchone()
    names = list(aggregates)
    values = dict(zip(names, row[: len(names)], strict=True))
    for column in BURNDOWN_COLUMNS:
        values.pop(f"_{column}")
    census_rows, left_rows, proposal_rows = row[len(names) :]
    # Thousands of (building, month, count) triples: a flat text list parses much faster than JSON.
    values["burndown"] = (_triples(census_rows), _triples(left_rows))
    proposal_rows = _json(proposal_rows)
    accepted = refused = dc = 0
    refusals: dict[tuple, int] = {}
    for answer, in_dc, code, text, n in proposal_rows or []:
        dc += n if in_dc else 0
        if answer == Answer.ACCEPTED:
            accepted += n
        elif answer == Answer.REFUSED:
            refused += n
            refusals[(code, text)] = refusals.get((code, text), 0) + n
    values["proposals_dc"] = dc
    values["proposals"] = ([(code, text, n) for (code, text), n in refusals.items()], accepted, refused)
    return values


def compute(households, as_of: dt.date, *, with_burndown: bool = False) -> Result:
    """All indicators of INDICATORS.md for ``households`` (already scoped and in the perimeter).

    ``with_burndown``: on PostgreSQL the same statement also computes the burn-down counts
    (``Result.burndown``, for :func:`burndown.building_progress`); elsewhere ``Result.burndown`` is None.
    """
    pop = AsOf(as_of)
    postgres = connection.vendor == "postgresql"
    populations = _median_populations(pop)
    groups = _aggregate(households, as_of, pop, postgres, burndown=with_burndown)
    rehoused = groups[R.RELOGE]
    burndown_counts = rehoused.pop("burndown", None)
    proposal_rows = rehoused.pop("proposals", None)

    def n(key, status=R.RELOGE) -> int:
        return groups[status].get(key) or 0

    n_c = sum(n("c", status) for status in R.values)
    n_dc, n_d, n_exit = n("dc"), n("d"), n("c", R.SORTI_SANS_RELOGEMENT)

    values: dict[str, object] = {}
    bases: dict[str, tuple[int, ...]] = {}

    def count(key, value):
        values[key] = value or 0
        bases[key] = (values[key],)

    def share(key, numerator, population):
        values[key] = _ratio(numerator, population, 4)
        bases[key] = (numerator, population)

    count("avancement.recenses", n_c)
    count("avancement.reloges_definitifs", n_dc)
    count("avancement.reloges_temporaires", n("c", R.RELOGE_TEMPORAIRE))
    count("avancement.sortis_sans_relogement", n_exit)
    count("avancement.restant_a_reloger", n_c - n_dc - n_exit)
    share("avancement.taux", n_dc + n_exit, n_c)
    # Computed from both counts of its numerator: hidden when either is below 5 (secret statistique).
    bases["avancement.taux"] = (n_dc, n_exit, n_c)
    count("avancement.decohabitations", n("split"))
    for status in R.values:
        count(f"{registry.STATUS_PREFIX}{status}", n("c", status))

    share("impact.pct_neuf_moins_5_ans", n("new"), n_d)
    share("impact.pct_hors_qpv", n("out_qpv"), n_d)
    share("impact.pct_meme_commune", n("same"), n_d)
    share("impact.pct_parc_social", n("social"), n_d)
    n_rac = n("rac")
    for key, total in (
        ("impact.rac_avant_moyen", rehoused["sum_rac_before"]),
        ("impact.rac_apres_moyen", rehoused["sum_rac_after"]),
    ):
        values[key] = _ratio(total, n_rac, 2) if n_rac else None
        bases[key] = (n_rac,)
    if n_rac:
        delta = Decimal(str(rehoused["sum_rac_after"])) - Decimal(str(rehoused["sum_rac_before"]))
        values["impact.rac_evolution_moyenne"] = _ratio(delta, n_rac, 2)
    else:
        values["impact.rac_evolution_moyenne"] = None
    bases["impact.rac_evolution_moyenne"] = (n_rac,)
    share("impact.pct_rac_en_hausse", n("rac_up"), n_rac)
    n_effort = n("effort")
    for key, total in (
        ("impact.taux_effort_avant_moyen", rehoused["sum_effort_before"]),
        ("impact.taux_effort_apres_moyen", rehoused["sum_effort_after"]),
    ):
        values[key] = _ratio(total, n_effort, 4) if n_effort else None
        bases[key] = (n_effort,)
    n_area = n("area")
    share("impact.pct_surpeuplement_avant", n("crowded_before"), n_area)
    share("impact.pct_surpeuplement_apres", n("crowded_after"), n_area)
    share("impact.pct_minoration_loyer", n("reduction"), n_d)
    share("impact.pct_satisfaits", n("satisfied"), n("sat"))
    share("impact.pct_impayes_6_mois", n("arrears"), n("arrears_answers"))

    sizes = {"rac": n_rac, "area": n_area, "dc": n_dc}
    annotated = None
    for indicator_id, (column, rows) in MEDIANS.items():
        if postgres:
            lo, hi = rehoused.get(f"{indicator_id}:middle") or (None, None)
            median = None if lo is None else (Decimal(str(lo)) + Decimal(str(hi))) / 2
        else:
            if annotated is None:
                annotated = as_of_households(households, as_of)
            population = pop.status(R.RELOGE) & populations[rows]
            median = _median_by_offset(annotated, population, column, sizes[rows])
        values[indicator_id] = _round(median, 2)
        bases[indicator_id] = (sizes[rows],)

    values["processus.propositions_par_reloge"] = _ratio(n("proposals_dc"), n_dc, 2)
    bases["processus.propositions_par_reloge"] = (n_dc,)
    if proposal_rows is None:
        proposal_rows = _proposal_rows(households, as_of)
    motifs, refusal_counts, accepted, refused = _proposal_figures(*proposal_rows)
    share("processus.taux_refus", refused, accepted + refused)
    for key in motifs:
        count(f"{registry.MOTIF_PREFIX}{key}", refusal_counts.get(key, 0))

    def histogram(key: str, side: str, bins) -> list[int]:
        if postgres:
            return _unpack(rehoused.get(f"hist_{key}_{side}"), len(bins))
        return [n(f"dist_{key}_{b[0]}_{side}") for b in bins]

    distributions = {
        key: {"before": histogram(key, "b", bins), "after": histogram(key, "a", bins)}
        for key, (_, _, _, _, bins) in DISTRIBUTIONS.items()
    }
    ordered = {i.id: values[i.id] for i in registry.expand(motifs)}
    return Result(
        as_of=as_of,
        values=ordered,
        bases=bases,
        motifs=motifs,
        distributions=distributions,
        burndown=burndown_counts,
    )


UNSPECIFIED = "non_renseigne"


def motif_key(text: str) -> str:
    return slugify(text).replace("-", "_")[:60] or UNSPECIFIED


def _proposal_rows(households, as_of: dt.date):
    """Refusals per (configured reason code, free text), accepted and refused proposals, over the
    proposals notified by the date (2 queries; PostgreSQL gets them from the main statement)."""
    answered = Q(answer_date__isnull=True) | Q(answer_date__lte=as_of)
    proposals = Proposal.objects.filter(household__in=households.values("pk"), notified_date__lte=as_of)
    totals = proposals.aggregate(
        accepted=Count("pk", filter=answered & Q(answer=Answer.ACCEPTED)),
        refused=Count("pk", filter=answered & Q(answer=Answer.REFUSED)),
    )
    rows = (
        proposals.filter(answered, answer=Answer.REFUSED)
        .order_by()
        .values_list("refusal_reason__code", "refusal_reason_text")
        .annotate(n=Count("pk"))
    )
    return list(rows), totals["accepted"], totals["refused"]


def _proposal_figures(rows, accepted: int, refused: int):
    """Refusal reasons (keys and labels, see docs/indicators.md) and counts (1 query)."""
    configured = list(RefusalReason.objects.order_by("label").values_list("code", "label", "active"))
    by_label = {label.casefold(): code for code, label, _ in configured}
    by_code = {code: label for code, label, _ in configured}
    motifs: dict[str, str] = {code: label for code, label, active in configured if active}
    counts: dict[str, int] = {}
    for code, text, n in sorted(rows, key=lambda row: (row[0] or "", row[1] or "")):
        text = (text or "").strip()
        if not code:
            code = by_label.get(text.casefold()) or (text if text in by_code else motif_key(text))
        label = by_code.get(code) or text or "Motif non renseigné"
        motifs.setdefault(code, label)
        counts[code] = counts.get(code, 0) + n
    return motifs, counts, accepted, refused


def compute_for(user, perimeter, as_of: dt.date) -> Result:
    return compute(scoped_households(user, perimeter), as_of)
