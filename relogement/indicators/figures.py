"""The figures the indicators are computed from, as aggregates over the household facts.

``additive_aggregates`` are counts and sums: the figures of a set of households are the sum of the
figures of its parts, which lets ``summaries`` store them per building. Medians are not additive:
``medians`` computes them over the facts (PostgreSQL: ``percentile_disc`` ascending and descending in
one statement, exact values of the column type, mean of the two middle values; SQLite: the one or two
middle values fetched with ``ORDER BY … LIMIT 2 OFFSET k``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Field,
    IntegerField,
    Q,
    Sum,
    When,
)

from relogement.households.statuses import ReportingStatus
from relogement.indicators.asof import AsOf, proposals_as_of, status_as_of, status_month_as_of
from relogement.offers.models import Answer

R = ReportingStatus
NO_LIMIT = 2**62

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
    "surface": ("Surface par personne", "area_before", "area_after", "area_rows", AREA_BINS),
}
MEDIANS = {
    # indicator id → (fact column, population within Dc)
    "impact.rac_evolution_mediane": ("rac_delta", "rac"),
    "impact.surface_par_personne_avant_mediane": ("area_before", "area"),
    "impact.surface_par_personne_apres_mediane": ("area_after", "area"),
    "processus.delai_median_jours": ("delay_days", "dc"),
}
# Sums of money: added up as Decimal (exact), the others as numbers.
MONEY_SUMS = ("sum_rac_before", "sum_rac_after")
FLOAT_SUMS = ("sum_effort_before", "sum_effort_after")


@contextmanager
def heavy_query():
    """PostgreSQL settings for the few wide aggregates of the indicators, scoped to one transaction:
    no JIT (compiling these plans costs seconds and saves nothing at this size), more sort memory."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


class _MiddleValues(Aggregate):
    """PostgreSQL ``percentile_disc``: the lower and upper middle values, exact, from one sort.

    percentile_disc(f) is the value at position ceil(f·n): f = 0.5 gives the lower middle value and
    f = 0.5 + 1e-12 the upper one (position n/2 + 1 for an even n, (n + 1)/2 for an odd n, for any
    n below 10^11)."""

    function = "percentile_disc"
    template = "percentile_disc(ARRAY[0.5, 0.500000000001]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=Field(), **extra)


def _bin_q(column: str, low, high) -> Q:
    q = Q()
    if low is not None:
        q &= Q(**{f"{column}__gte": low})
    if high is not None:
        q &= Q(**{f"{column}__lt": high})
    return q


def with_row_flags(facts, as_of: dt.date):
    """Facts with, per row, the status on the date, census/moved-in flags and notified proposals."""
    pop = AsOf(as_of)
    return facts.annotate(
        rep=status_as_of(as_of),
        f_c=ExpressionWrapper(pop.census, output_field=BooleanField()),
        f_m=ExpressionWrapper(pop.moved_in, output_field=BooleanField()),
        n_proposals=proposals_as_of(as_of),
    )


def populations(as_of: dt.date) -> dict[str, Q]:
    """Populations over :func:`with_row_flags` rows (INDICATORS.md: D, Dc and their subsets)."""
    pop = AsOf(as_of)
    d = Q(rep=R.RELOGE, f_m=True)
    dc = d & Q(f_c=True)
    return {
        "d": d,
        "dc": dc,
        "rac": dc & Q(rac_ok=True),
        "effort": dc & Q(effort_ok=True),
        "area": dc & Q(area_ok=True),
        "sat": d & pop.satisfaction_answered,
        "arrears": d & pop.arrears_answered,
    }


def additive_aggregates(as_of: dt.date) -> dict[str, Aggregate]:
    """Every count and sum of the indicators (the distributions as one count per bin)."""
    p = populations(as_of)
    d, rac, effort, area = p["d"], p["rac"], p["effort"], p["area"]
    aggregates = {f"c__{status}": Count("rep", filter=Q(rep=status, f_c=True)) for status in R.values}
    aggregates.update(
        {
            "d": Count("rep", filter=d),
            "dc": Count("rep", filter=p["dc"]),
            "split": Count("rep", filter=d & Q(is_split=True)),
            "new": Count("rep", filter=d & Q(is_new=True)),
            "out_qpv": Count("rep", filter=d & Q(in_qpv=False)),
            "same": Count("rep", filter=d & Q(same_commune=True)),
            "social": Count("rep", filter=d & Q(social=True)),
            "reduction": Count("rep", filter=d & Q(rent_reduction=True)),
            "rac": Count("rep", filter=rac),
            "sum_rac_before": Sum("rac_before", filter=rac),
            "sum_rac_after": Sum("rac_after", filter=rac),
            "rac_up": Count("rep", filter=rac & Q(rac_delta__gt=0)),
            "effort": Count("rep", filter=effort),
            "sum_effort_before": Sum("effort_before", filter=effort),
            "sum_effort_after": Sum("effort_after", filter=effort),
            "area": Count("rep", filter=area),
            "crowded_before": Count("rep", filter=area & Q(crowded_before=True)),
            "crowded_after": Count("rep", filter=area & Q(crowded_after=True)),
            "sat": Count("rep", filter=p["sat"]),
            "satisfied": Count("rep", filter=p["sat"] & Q(satisfied=True)),
            "arrears_answers": Count("rep", filter=p["arrears"]),
            "arrears": Count("rep", filter=p["arrears"] & Q(arrears=True)),
            "proposals_dc": Sum("n_proposals", filter=p["dc"]),
        }
    )
    for key, (_, before, after, rows, bins) in DISTRIBUTIONS.items():
        population = {"rac_rows": rac, "effort_rows": effort, "area_rows": area}[rows]
        for bin_key, _, low, high in bins:
            aggregates[f"dist_{key}_{bin_key}_b"] = Count(
                "rep", filter=population & _bin_q(before, low, high)
            )
            aggregates[f"dist_{key}_{bin_key}_a"] = Count("rep", filter=population & _bin_q(after, low, high))
    return aggregates


def normalise(figures: dict) -> dict:
    """None → 0, money sums as Decimal to the cent (SQLite returns floats), so that figures add up."""
    out = {}
    for key, value in figures.items():
        if key in MONEY_SUMS:
            out[key] = Decimal(str(value or 0)).quantize(Decimal("0.01"))
        else:
            out[key] = value or 0
    return out


def add(total: dict, part: dict) -> dict:
    for key, value in part.items():
        total[key] = total.get(key, 0) + (Decimal(value) if key in MONEY_SUMS else value)
    return total


def aggregate(facts, as_of: dt.date) -> dict:
    """The additive figures of ``facts`` on the date (one query)."""
    inner = with_row_flags(facts, as_of)
    # The slice keeps the inner query a derived table that PostgreSQL does not flatten (flattened, the
    # status expression would be copied into every FILTER clause).
    with heavy_query():
        return normalise(inner.order_by()[:NO_LIMIT].aggregate(**additive_aggregates(as_of)))


def medians(facts, as_of: dt.date, sizes: dict[str, int]) -> dict[str, Decimal | None]:
    """The exact medians of MEDIANS (``sizes``: population sizes, known from the additive figures)."""
    p = populations(as_of)
    # Every median is over rehoused households that moved in by the date: the others are left out
    # before their status on the date is worked out.
    rows = with_row_flags(facts.filter(AsOf(as_of).moved_in), as_of)
    out: dict[str, Decimal | None] = {}
    if connection.vendor == "postgresql":
        aggregates = {
            f"m{i}": _MiddleValues(column, filter=p[population])
            for i, (column, population) in enumerate(MEDIANS.values())
        }
        with heavy_query():
            middles = rows.order_by()[:NO_LIMIT].aggregate(**aggregates)
        for i, indicator_id in enumerate(MEDIANS):
            lo, hi = middles[f"m{i}"] or (None, None)
            out[indicator_id] = None if lo is None else (Decimal(str(lo)) + Decimal(str(hi))) / 2
        return out
    for indicator_id, (column, population) in MEDIANS.items():
        out[indicator_id] = _median_by_offset(rows.filter(p[population]), column, sizes[population])
    return out


def _median_by_offset(rows, column: str, size: int):
    """Middle value(s) fetched with ORDER BY … OFFSET: only one or two values leave the database."""
    if size == 0:
        return None
    start = (size - 1) // 2
    stop = size // 2 + 1
    values = list(rows.order_by(column).values_list(column, flat=True)[start:stop])
    return sum(Decimal(str(v)) for v in values) / len(values)


def month_counts(facts, as_of: dt.date) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]]]:
    """The burn-down counts: per building, census households per census month and census households
    that left per month (rehoused: move-in month; exited: month of the change that gave the status),
    as of the date. One grouped query (building, census month, leaving month): one pass over the facts
    instead of two. Months are numbered year × 12 + month − 1."""
    pop = AsOf(as_of)
    leaving_month = Case(
        When(pop.definitive, then=F("move_in_month")),
        When(pop.status(R.SORTI_SANS_RELOGEMENT), then=status_month_as_of(as_of)),
        output_field=IntegerField(),
    )
    rows = (
        with_row_flags(facts, as_of)
        .filter(f_c=True)
        .annotate(month=leaving_month)
        .order_by()
        .values_list("building_id", "census_month", "month")
        .annotate(n=Count("pk"))
    )
    census: dict[int, dict[int, int]] = {}
    left: dict[int, dict[int, int]] = {}
    with heavy_query():
        for building_id, census_month, leaving, n in rows:
            cells = census.setdefault(building_id, {})
            cells[census_month] = cells.get(census_month, 0) + n
            if leaving is not None:
                cells = left.setdefault(building_id, {})
                cells[leaving] = cells.get(leaving, 0) + n
    return census, left


ANSWERS = (Answer.ACCEPTED, Answer.REFUSED)


def proposal_groups(proposals, as_of: dt.date, *keys: str) -> list[tuple]:
    """The proposals notified by the date, counted per (``keys``…, answer on the date, refusal reason
    id, free text): the answer is None when given after the date, the free text only where no reason
    is set (both cheaper than grouping every row on its text). Additive: ``summaries`` stores them
    per building."""
    answered = Q(answer_date__isnull=True) | Q(answer_date__lte=as_of)
    rows = (
        proposals.filter(notified_date__lte=as_of, answer__in=ANSWERS)
        .order_by()
        .values_list(
            *keys,
            Case(When(answered, then=F("answer")), output_field=CharField()),
            "refusal_reason_id",
            Case(When(refusal_reason__isnull=True, then=F("refusal_reason_text")), output_field=CharField()),
        )
        .annotate(n=Count("pk"))
    )
    return [tuple(row) for row in rows]
