"""Computation of the indicators of INDICATORS.md, as database aggregations.

Query strategy (docs/indicators.md): one annotated household queryset carries, per household, its
status as of the date (a correlated subquery on the status history, served by the
``(household, effective_date)`` index), its definitive rehousing and its 6-month follow-up (LEFT JOINs
through ``FilteredRelation``, at most one row each by the unique constraints), the before/after residual
rents and the other per-row expressions. ``aggregate()`` over it wraps it as a derived table (Django
does this when an aggregate refers to an annotation holding a subquery), so that the status subquery
runs once per household and every count, sum and median is one ``FILTER``-ed aggregate of a single
query. Medians: PostgreSQL ``percentile_disc(0.5)`` ascending and descending in that same query (exact
values of the column type, mean of the two middle values); elsewhere (SQLite) one query per median that
fetches only the one or two middle values (``ORDER BY … LIMIT 2 OFFSET k``), the size being known
from the main aggregate. Nothing loads the households into Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
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
from relogement.households.statuses import HouseholdStatus, ReportingStatus, statuses_reported_as
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


class _MiddleValue(Aggregate):
    """PostgreSQL ``percentile_disc(0.5)``: the lower (ASC) or upper (DESC) middle value, exact."""

    function = "percentile_disc"
    template = "percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s %(direction)s)"

    def __init__(self, expression, *, direction="ASC", **extra):
        super().__init__(expression, direction=direction, **extra)


def _date_key(expr):
    """A date as the integer YYYYMMDD, so that "+ 5 years" is "+ 50000" on any database."""
    return ExtractYear(expr) * 10000 + ExtractMonth(expr) * 100 + ExtractDay(expr)


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
    """The populations of INDICATORS.md as Q objects over the annotated household queryset."""

    date: dt.date

    def status(self, reporting: str) -> Q:
        return Q(fine_status__in=statuses_reported_as(reporting))

    @property
    def census(self) -> Q:  # C
        return Q(h_split__isnull=True, h_census__lte=self.date)

    @property
    def definitive(self) -> Q:  # D
        return self.status(R.RELOGE) & Q(d_move_in__lte=self.date)

    @property
    def definitive_census(self) -> Q:  # Dc
        return self.definitive & self.census

    @property
    def rac_rows(self) -> Q:
        return self.definitive_census & Q(rac_before__isnull=False, rac_after__isnull=False)

    @property
    def effort_rows(self) -> Q:
        return self.rac_rows & Q(h_resources__gt=0)

    @property
    def area_rows(self) -> Q:
        return self.definitive_census & Q(
            area_before__isnull=False, area_after__isnull=False, persons__gt=0
        )

    @property
    def satisfaction_rows(self) -> Q:
        return self.definitive & Q(fu_answered_on__lte=self.date) & ~Q(fu_satisfaction="")

    @property
    def arrears_rows(self) -> Q:
        return self.definitive & Q(fu_answered_on__lte=self.date, fu_arrears__isnull=False)

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
            "avancement.decohabitations": self.definitive & Q(h_split__isnull=False),
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


def status_as_of_subquery(as_of: dt.date, column: str = "to_status"):
    latest = HouseholdStatusChange.objects.filter(
        household=OuterRef("pk"), effective_date__lte=as_of
    ).order_by("-effective_date", "-pk")
    return Subquery(latest.values(column)[:1])


def annotate_as_of(households, as_of: dt.date):
    """Per household: status as of the date and every per-row expression the indicators need."""
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
            move_in_key=_date_key("defr__move_in_date"),
            commissioning_key=_date_key("defr__commissioning_date"),
        )
        .annotate(
            # Before any recorded status, a census household is "to diagnose" (the import and the
            # lifecycle both start the history with that status at the census date).
            fine_status=Coalesce(
                status_as_of_subquery(as_of), Value(HouseholdStatus.TO_DIAGNOSE), output_field=CharField()
            ),
            h_split=F("split_from_id"),
            h_census=F("census_date"),
            h_resources=F("monthly_resources"),
            h_building=F("building_id"),
            persons=ExpressionWrapper(persons, output_field=IntegerField()),
            d_move_in=F("defr__move_in_date"),
            d_in_qpv=F("defr__in_qpv"),
            d_stock=F("defr__housing_stock"),
            d_rent_reduction=F("defr__rent_reduction_payment"),
            fu_answered_on=Coalesce(F("fu6__done_on"), F("fu6__due_date"), output_field=DateField()),
            fu_satisfaction=Coalesce(F("fu6__home_satisfaction"), Value(""), output_field=CharField()),
            fu_arrears=F("fu6__rent_arrears"),
            rac_before=ExpressionWrapper(
                F("rent_before") + F("charges_before") - F("apl_before") - Coalesce("rls_before", zero),
                output_field=MONEY,
            ),
            rac_after=ExpressionWrapper(
                F("defr__rent") + F("defr__charges") - F("defr__apl") - Coalesce("defr__rls", zero),
                output_field=MONEY,
            ),
            area_before=F("origin_living_area"),
            area_after=F("defr__living_area"),
            n_proposals=Coalesce(Subquery(proposals), Value(0), output_field=IntegerField()),
            delay_days=DaysBetween(F("defr__move_in_date"), F("census_date")),
            same_commune=Case(
                When(defr__commune_id=F("building__commune_id"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            is_new=Case(
                When(
                    Q(defr__housing_stock=HousingStock.SOCIAL)
                    & Q(move_in_key__lt=F("commissioning_key") + Value(50000)),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(
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
            crowded_before=Case(
                When(origin_living_area__lt=norm, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            crowded_after=Case(
                When(defr__living_area__lt=norm, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
    )


def as_of_households(households, as_of: dt.date):
    """The annotated queryset (also used by the drill-down to list the households behind a count)."""
    return annotate_as_of(households, as_of)


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

    def indicators(self) -> list[registry.Indicator]:
        return registry.expand(self.motifs)


MEDIANS = {
    # indicator id → (annotation, population Q name, decimals)
    "impact.rac_evolution_mediane": ("rac_delta", "rac_rows"),
    "impact.surface_par_personne_avant_mediane": ("area_pp_before", "area_rows"),
    "impact.surface_par_personne_apres_mediane": ("area_pp_after", "area_rows"),
    "processus.delai_median_jours": ("delay_days", "definitive_census"),
}


def _median_by_offset(annotated, population: Q, column: str, size: int):
    """Middle value(s) fetched with ORDER BY … OFFSET: only one or two values leave the database."""
    if size == 0:
        return None
    start = (size - 1) // 2
    stop = size // 2 + 1
    values = list(
        annotated.filter(population)
        .order_by(column)
        .values_list(column, flat=True)[start:stop]
    )
    return sum(Decimal(str(v)) for v in values) / len(values)


def compute(households, as_of: dt.date) -> Result:
    """All indicators of INDICATORS.md for ``households`` (already scoped and in the perimeter)."""
    pop = AsOf(as_of)
    annotated = as_of_households(households, as_of)
    c, d, dc = pop.census, pop.definitive, pop.definitive_census
    aggregates = {
        "n_c": Count("h_census", filter=c),
        "n_dc": Count("h_census", filter=dc),
        "n_d": Count("h_census", filter=d),
        "n_temp": Count("h_census", filter=c & pop.status(R.RELOGE_TEMPORAIRE)),
        "n_exit": Count("h_census", filter=c & pop.status(R.SORTI_SANS_RELOGEMENT)),
        "n_split": Count("h_census", filter=d & Q(h_split__isnull=False)),
        "n_new": Count("h_census", filter=d & Q(is_new=1)),
        "n_out_qpv": Count("h_census", filter=d & Q(d_in_qpv=False)),
        "n_same": Count("h_census", filter=d & Q(same_commune=1)),
        "n_social": Count("h_census", filter=d & Q(d_stock=HousingStock.SOCIAL)),
        "n_reduction": Count("h_census", filter=d & Q(d_rent_reduction=True)),
        "n_rac": Count("h_census", filter=pop.rac_rows),
        "sum_rac_before": Sum("rac_before", filter=pop.rac_rows),
        "sum_rac_after": Sum("rac_after", filter=pop.rac_rows),
        "n_rac_up": Count("h_census", filter=pop.rac_rows & Q(rac_delta__gt=0)),
        "n_effort": Count("h_census", filter=pop.effort_rows),
        "sum_effort_before": Sum("effort_before", filter=pop.effort_rows),
        "sum_effort_after": Sum("effort_after", filter=pop.effort_rows),
        "n_area": Count("h_census", filter=pop.area_rows),
        "n_crowded_before": Count("h_census", filter=pop.area_rows & Q(crowded_before=1)),
        "n_crowded_after": Count("h_census", filter=pop.area_rows & Q(crowded_after=1)),
        "n_sat_answers": Count("h_census", filter=pop.satisfaction_rows),
        "n_satisfied": Count(
            "h_census",
            filter=pop.satisfaction_rows & Q(fu_satisfaction__in=[Satisfaction.VERY, Satisfaction.SATISFIED]),
        ),
        "n_arrears_answers": Count("h_census", filter=pop.arrears_rows),
        "n_arrears": Count("h_census", filter=pop.arrears_rows & Q(fu_arrears=True)),
        "sum_proposals_dc": Sum("n_proposals", filter=dc),
    }
    for status in R.values:
        aggregates[f"st_{status}"] = Count("h_census", filter=c & pop.status(status))
    for key, (_, before, after, rows, bins) in DISTRIBUTIONS.items():
        for bin_key, _, low, high in bins:
            population = getattr(pop, rows)
            aggregates[f"dist_{key}_{bin_key}_b"] = Count("h_census", filter=population & _bin_q(before, low, high))
            aggregates[f"dist_{key}_{bin_key}_a"] = Count("h_census", filter=population & _bin_q(after, low, high))
    postgres = connection.vendor == "postgresql"
    if postgres:
        for indicator_id, (column, rows) in MEDIANS.items():
            population = getattr(pop, rows)
            aggregates[f"{indicator_id}:lo"] = _MiddleValue(column, filter=population, direction="ASC")
            aggregates[f"{indicator_id}:hi"] = _MiddleValue(column, filter=population, direction="DESC")
    a = annotated.aggregate(**aggregates)
    n_c, n_dc, n_d = a["n_c"], a["n_dc"], a["n_d"]

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
    count("avancement.reloges_temporaires", a["n_temp"])
    count("avancement.sortis_sans_relogement", a["n_exit"])
    count("avancement.restant_a_reloger", n_c - n_dc - a["n_exit"])
    share("avancement.taux", n_dc + a["n_exit"], n_c)
    count("avancement.decohabitations", a["n_split"])
    for status in R.values:
        count(f"{registry.STATUS_PREFIX}{status}", a[f"st_{status}"])

    share("impact.pct_neuf_moins_5_ans", a["n_new"], n_d)
    share("impact.pct_hors_qpv", a["n_out_qpv"], n_d)
    share("impact.pct_meme_commune", a["n_same"], n_d)
    share("impact.pct_parc_social", a["n_social"], n_d)
    n_rac = a["n_rac"]
    for key, total in (
        ("impact.rac_avant_moyen", a["sum_rac_before"]),
        ("impact.rac_apres_moyen", a["sum_rac_after"]),
    ):
        values[key] = _ratio(total, n_rac, 2) if total is not None else None
        bases[key] = (n_rac,)
    if n_rac:
        delta = Decimal(str(a["sum_rac_after"])) - Decimal(str(a["sum_rac_before"]))
        values["impact.rac_evolution_moyenne"] = _ratio(delta, n_rac, 2)
    else:
        values["impact.rac_evolution_moyenne"] = None
    bases["impact.rac_evolution_moyenne"] = (n_rac,)
    share("impact.pct_rac_en_hausse", a["n_rac_up"], n_rac)
    n_effort = a["n_effort"]
    for key, total in (
        ("impact.taux_effort_avant_moyen", a["sum_effort_before"]),
        ("impact.taux_effort_apres_moyen", a["sum_effort_after"]),
    ):
        values[key] = _ratio(total, n_effort, 4) if n_effort else None
        bases[key] = (n_effort,)
    n_area = a["n_area"]
    share("impact.pct_surpeuplement_avant", a["n_crowded_before"], n_area)
    share("impact.pct_surpeuplement_apres", a["n_crowded_after"], n_area)
    share("impact.pct_minoration_loyer", a["n_reduction"], n_d)
    share("impact.pct_satisfaits", a["n_satisfied"], a["n_sat_answers"])
    share("impact.pct_impayes_6_mois", a["n_arrears"], a["n_arrears_answers"])

    sizes = {"rac_rows": n_rac, "area_rows": n_area, "definitive_census": n_dc}
    for indicator_id, (column, rows) in MEDIANS.items():
        if postgres:
            lo, hi = a[f"{indicator_id}:lo"], a[f"{indicator_id}:hi"]
            median = None if lo is None else (Decimal(str(lo)) + Decimal(str(hi))) / 2
        else:
            median = _median_by_offset(annotated, getattr(pop, rows), column, sizes[rows])
        values[indicator_id] = _round(median, 2)
        bases[indicator_id] = (sizes[rows],)

    values["processus.propositions_par_reloge"] = _ratio(a["sum_proposals_dc"] or 0, n_dc, 2)
    bases["processus.propositions_par_reloge"] = (n_dc,)
    motifs, refusal_counts, accepted, refused = _proposal_figures(households, as_of)
    share("processus.taux_refus", refused, accepted + refused)
    for key in motifs:
        count(f"{registry.MOTIF_PREFIX}{key}", refusal_counts.get(key, 0))

    distributions = {
        key: {
            "before": [a[f"dist_{key}_{b[0]}_b"] for b in bins],
            "after": [a[f"dist_{key}_{b[0]}_a"] for b in bins],
        }
        for key, (_, _, _, _, bins) in DISTRIBUTIONS.items()
    }
    ordered = {i.id: values[i.id] for i in registry.expand(motifs)}
    return Result(as_of=as_of, values=ordered, bases=bases, motifs=motifs, distributions=distributions)


UNSPECIFIED = "non_renseigne"


def motif_key(text: str) -> str:
    return slugify(text).replace("-", "_")[:60] or UNSPECIFIED


def _proposal_figures(households, as_of: dt.date):
    """Refusal rate and reasons over the proposals notified by the date (3 queries)."""
    answered = Q(answer_date__isnull=True) | Q(answer_date__lte=as_of)
    proposals = Proposal.objects.filter(household__in=households.values("pk"), notified_date__lte=as_of)
    totals = proposals.aggregate(
        accepted=Count("pk", filter=answered & Q(answer=Answer.ACCEPTED)),
        refused=Count("pk", filter=answered & Q(answer=Answer.REFUSED)),
    )
    configured = list(RefusalReason.objects.order_by("label").values_list("code", "label", "active"))
    by_label = {label.casefold(): code for code, label, _ in configured}
    by_code = {code: label for code, label, _ in configured}
    motifs: dict[str, str] = {code: label for code, label, active in configured if active}
    counts: dict[str, int] = {}
    rows = (
        proposals.filter(answered, answer=Answer.REFUSED)
        .order_by()
        .values("refusal_reason__code", "refusal_reason_text")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        code = row["refusal_reason__code"]
        text = (row["refusal_reason_text"] or "").strip()
        if not code:
            code = by_label.get(text.casefold()) or (text if text in by_code else motif_key(text))
        label = by_code.get(code) or text or "Motif non renseigné"
        motifs.setdefault(code, label)
        counts[code] = counts.get(code, 0) + row["n"]
    return motifs, counts, totals["accepted"], totals["refused"]


def compute_for(user, perimeter, as_of: dt.date) -> Result:
    return compute(scoped_households(user, perimeter), as_of)
