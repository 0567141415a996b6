"""Housing benefit (APL/AL) and rent reduction (RLS) for a household and a dwelling, with openfisca-france.

The contract (used by offers, matching and rehousing) is ``HouseholdProfile``, ``BenefitResult``,
``profile_for_household``, ``compute_benefits``, ``compute_for_rents``, ``compute_for_offers``,
``compute_for_households`` and ``effort_rate``. Design, accuracy and caching: ``docs/benefits.md``.

Why a curve: building an openfisca simulation costs about a tenth of a second whatever its size, so
one household is simulated once over a whole range of rents (one copy per euro, see ``situation``)
and each offer's rent is read from that curve. The final amount is floored to the euro by openfisca,
so the curve keeps the amount *before* that floor, interpolates it linearly between two whole euros,
and floors it the same way. Where the interpolation could be wrong (a kink of the formula inside
the interval, or a value too close to a whole euro to decide the floor), the rent is simulated
exactly instead: the result always equals a direct openfisca run.
"""

from __future__ import annotations

import csv
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from importlib.metadata import version

import numpy as np
from django.conf import settings

from relogement.benefits import situation
from relogement.benefits.situation import Dwelling, SimHousehold, SimPerson
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError

# Parameter vintage of openfisca-france 176.1.8: the latest APL/AL values start on 2026-10-01
# (arrêté du 28/09/2026), the RLS ceilings on 2026-01-01 and amounts on 2026-06-01. The default month
# is the first month after the latest change (the current month when this was written). Months
# after LAST_MONTH are refused: the RLS ceilings are revised every January.
DEFAULT_MONTH = date(2026, 11, 1)
LAST_MONTH = date(2026, 12, 1)
# The resources formula used here (rolling past year, "contemporanéisation") starts in 2021.
FIRST_MONTH = date(2021, 1, 1)
DEFAULT_CHILD_AGE = 8
ADULT_AGE = 35
MAX_ADULTS = 8
MAX_CHILDREN = 12
MAX_AMOUNT = Decimal("100000")
# Rents are simulated from 0 to this value (rounded up to a multiple of 500 € when an offer is
# dearer); above ~3.1 × the rent ceiling the benefit is zero anyway.
DEFAULT_RENT_UPPER = 1500
# openfisca rounds the rent-dependent rate TL to 5 decimals and multiplies it by the yearly resources
# after allowance, so the pre-floor amount is a sawtooth whose teeth are at most
# TL_QUANTUM × resources high (about 0.2 € for 20,000 €/year). Interpolation error is bounded by
# one tooth plus cent roundings; the margins below add that bound to a fixed allowance.
TL_QUANTUM = 1e-5
# Second differences above KINK_TOLERANCE + one tooth mean a kink of the formula (ceiling,
# degressivity, payment threshold) near the interval: such intervals are simulated exactly.
KINK_TOLERANCE = 0.05
# An interpolated amount closer than FLOOR_MARGIN + 1.5 teeth to a whole euro is simulated exactly.
FLOOR_MARGIN = 0.05
CURVE_CACHE_SIZE = 256
VALUES_CACHE_SIZE = 8192
EXACT_CACHE_SIZE = 20_000
# A household needing fewer distinct rents than this in one kind of dwelling gets them simulated
# exactly (no curve): cheaper for a plan of many households against a few hundred offers.
EXACT_POINTS_BELOW = 400
# Copies per openfisca run (memory: a few hundred bytes per person and variable).
MAX_COPIES_PER_RUN = 150_000

CENT = Decimal("0.01")
ZERO = Decimal("0")

ROLES = ("reference", "spouse", "child", "other")


@dataclass(frozen=True)
class Person:
    """One member of the household as the rules see them.

    ``role``: "reference" (the applicant), "spouse", "child" (a dependant of the couple for tax:
    under 21, or a student under 25) or "other" (another adult living in the dwelling, with their
    own tax household: an adult child, a grandparent…). Children and other adults are members of
    the applicant's *famille*, as the CAF rules count the persons living in the household: they are
    dependants when the rules say so (age, resources), and their resources count after an
    allowance. Amounts are monthly taxable amounts of the rolling past year.
    """

    role: str
    age: int
    situation: str = ""  # households.EmploymentSituation value ("" when unknown)
    salary: Decimal = ZERO
    pension: Decimal = ZERO
    unemployment: Decimal = ZERO
    alimony: Decimal = ZERO
    aah: Decimal = ZERO

    @property
    def taxable(self) -> Decimal:
        return self.salary + self.pension + self.unemployment + self.alimony


@dataclass(frozen=True)
class HouseholdProfile:
    """What the benefit rules need to know about a household (frozen, hashable).

    ``persons`` holds one ``Person`` per member, the applicant first. ``monthly_minimum_income`` is
    the RSA the famille receives (not a resource, but it neutralises activity income).
    ``monthly_resources`` is the denominator of the effort rate (all resources), by default the
    taxable income. ``assumptions`` says, in French, what was assumed where the file is silent; a
    result with assumptions is an estimate (it does not enter equality, hash or the curve key).
    """

    persons: tuple[Person, ...]
    monthly_minimum_income: Decimal = ZERO
    monthly_resources: Decimal | None = None
    assumptions: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def simple(
        cls,
        adults: int,
        children: int,
        monthly_taxable_income,
        *,
        monthly_pension=ZERO,
        monthly_unemployment=ZERO,
        monthly_alimony=ZERO,
        monthly_aah=ZERO,
        monthly_minimum_income=ZERO,
        children_ages: Sequence[int] | None = None,
        monthly_resources=None,
        assumptions: Sequence[str] = (),
    ) -> HouseholdProfile:
        """A couple or single adult (and other adults) with the whole income on the applicant.

        ``monthly_taxable_income`` is the total; pensions, unemployment benefits and alimony are parts
        of it, the rest is salaries. Adults are 35, children 8 unless ``children_ages`` is given.
        """
        total = Decimal(str(monthly_taxable_income))
        pension, unemployment, alimony = (
            Decimal(str(v)) for v in (monthly_pension, monthly_unemployment, monthly_alimony)
        )
        ages = tuple(children_ages) if children_ages is not None else (DEFAULT_CHILD_AGE,) * children
        persons = []
        for index in range(adults):
            role = ("reference", "spouse")[index] if index < 2 else "other"
            if index == 0:
                persons.append(
                    Person(
                        role,
                        ADULT_AGE,
                        salary=total - pension - unemployment - alimony,
                        pension=pension,
                        unemployment=unemployment,
                        alimony=alimony,
                        aah=Decimal(str(monthly_aah)),
                    )
                )
            else:
                persons.append(Person(role, ADULT_AGE))
        if len(ages) != children:
            raise DomainError("Il faut un âge par enfant.")
        persons += [Person("child", age) for age in ages]
        return cls(
            tuple(persons),
            monthly_minimum_income=Decimal(str(monthly_minimum_income)),
            monthly_resources=None if monthly_resources is None else Decimal(str(monthly_resources)),
            assumptions=tuple(assumptions),
        )

    @property
    def adults(self) -> int:
        return sum(1 for p in self.persons if p.role != "child")

    @property
    def children(self) -> int:
        return sum(1 for p in self.persons if p.role == "child")

    @property
    def ages(self) -> tuple[int, ...]:
        return tuple(p.age for p in self.persons if p.role == "child")

    def _total(self, attribute: str) -> Decimal:
        return sum((getattr(p, attribute) for p in self.persons), ZERO)

    @property
    def monthly_salary(self) -> Decimal:
        return self._total("salary")

    @property
    def monthly_pension(self) -> Decimal:
        return self._total("pension")

    @property
    def monthly_unemployment(self) -> Decimal:
        return self._total("unemployment")

    @property
    def monthly_alimony(self) -> Decimal:
        return self._total("alimony")

    @property
    def monthly_aah(self) -> Decimal:
        return self._total("aah")

    @property
    def monthly_taxable_income(self) -> Decimal:
        return self._total("taxable")

    @property
    def effort_resources(self) -> Decimal:
        if self.monthly_resources is not None:
            return self.monthly_resources
        return self.monthly_taxable_income


@dataclass
class BenefitResult:
    apl: Decimal  # benefit actually paid, after the RLS deduction (APL, or AL outside conventioned housing)
    rls: Decimal
    rac: Decimal  # rent + charges - apl - rls
    effort_rate: Decimal | None
    inputs: dict = field(default_factory=dict)
    # What was assumed where the household file is silent (French); empty: no assumption.
    assumptions: tuple[str, ...] = ()

    @property
    def estimate(self) -> bool:
        return bool(self.assumptions)


def effort_rate(rac, monthly_resources) -> Decimal | None:
    """RAC ÷ monthly resources, 4 decimals; None when the resources are unknown or zero."""
    if rac is None or monthly_resources is None:
        return None
    resources = Decimal(str(monthly_resources))
    if resources <= 0:
        return None
    return (Decimal(str(rac)) / resources).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- The tax-benefit system (slow to build: once per process) ---------------------------------

_tbs = None
_tbs_lock = threading.Lock()


def tax_benefit_system():
    global _tbs
    if _tbs is None:
        with _tbs_lock:
            if _tbs is None:
                from openfisca_france import FranceTaxBenefitSystem

                _tbs = FranceTaxBenefitSystem()
    return _tbs


@lru_cache(maxsize=1)
def openfisca_version() -> str:
    return f"openfisca-france {version('openfisca-france')}"


# --- Validation -----------------------------------------------------------------------------


def _money(value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{label} : montant invalide ({value}).") from None
    if not amount.is_finite():
        raise DomainError(f"{label} : montant invalide ({value}).")
    if amount < 0:
        raise DomainError(f"{label} : le montant ne peut pas être négatif.")
    if amount > MAX_AMOUNT:
        raise DomainError(f"{label} : montant trop élevé.")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_profile(profile: HouseholdProfile) -> None:
    roles = [p.role for p in profile.persons]
    if any(role not in ROLES for role in roles):
        raise DomainError("Rôle de membre inconnu pour le calcul des aides au logement.")
    if not 1 <= profile.adults <= MAX_ADULTS:
        raise DomainError(f"Le calcul des aides au logement accepte de 1 à {MAX_ADULTS} adultes.")
    if roles.count("reference") != 1 or roles[0] != "reference" or roles.count("spouse") > 1:
        raise DomainError("Il faut une personne de référence (en premier) et au plus un conjoint.")
    if not 0 <= profile.children <= MAX_CHILDREN:
        raise DomainError(f"Le nombre d'enfants doit être compris entre 0 et {MAX_CHILDREN}.")
    if any(not 0 <= p.age <= 25 for p in profile.persons if p.role == "child"):
        raise DomainError("L'âge d'un enfant doit être compris entre 0 et 25 ans.")
    if any(not 16 <= p.age <= 120 for p in profile.persons if p.role != "child"):
        raise DomainError("L'âge d'un adulte doit être compris entre 16 et 120 ans.")
    for person in profile.persons:
        if person.salary < 0 <= person.taxable:
            # simple() puts salaries = total - the other parts.
            raise DomainError("Les pensions et allocations dépassent le revenu imposable total.")
        for amount, label in (
            (person.salary, "Salaires"),
            (person.pension, "Pensions de retraite"),
            (person.unemployment, "Allocations chômage"),
            (person.alimony, "Pensions alimentaires"),
            (person.aah, "AAH"),
        ):
            _money(amount, label)
    _money(profile.monthly_minimum_income, "RSA")


STOCK_KINDS = frozenset(StockKind.values)


def check_stock(stock) -> str:
    if stock not in STOCK_KINDS:
        raise DomainError(f"Type de logement inconnu : « {stock} ».")
    return str(stock)


def normalise_month(month: date | None) -> date:
    month = (month or DEFAULT_MONTH).replace(day=1)
    if not FIRST_MONTH <= month <= LAST_MONTH:
        raise DomainError(
            f"Mois hors de la période couverte par les barèmes : de {FIRST_MONTH:%m/%Y} à {LAST_MONTH:%m/%Y}."
        )
    return month


def parse_month(text: str) -> date:
    """'2025-11' → date(2025, 11, 1), with a French error."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        return normalise_month(date(year, month, 1))
    except (ValueError, TypeError):
        raise DomainError(f"Mois invalide : « {text} » (format attendu AAAA-MM).") from None


# --- Communes and APL zones -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _zones_from_shared_csv() -> dict[str, int | None]:
    path = settings.REFERENCE_DATA_DIR / "mel_zonages_logement.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["insee_code"]: int(row["zone_apl"]) if row["zone_apl"] else None
            for row in csv.DictReader(handle)
        }


def commune_zones(insee_codes) -> dict[str, int | None]:
    """APL zone of each commune of the referential (None: openfisca derives it from the code).

    The referential is ``territory.Commune``; while that table is empty (referential not loaded),
    the zones shipped in ``REFERENCE_DATA_DIR/mel_zonages_logement.csv`` are used. One query whatever
    the number of communes; an unknown commune is refused.
    """
    from relogement.territory.models import Commune

    codes = {str(code or "").strip().upper() for code in insee_codes}
    zones = dict(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", "zone_apl"))
    unknown = sorted(codes - zones.keys())
    if unknown and not Commune.objects.exists():
        shared = _zones_from_shared_csv()
        zones.update({code: shared[code] for code in unknown if code in shared})
        unknown = sorted(codes - zones.keys())
    if unknown:
        raise DomainError(f"Commune inconnue : « {unknown[0]} ».")
    return zones


def commune_zone(insee_code: str) -> int | None:
    code = str(insee_code or "").strip().upper()
    return commune_zones([code])[code]


# --- From a profile to openfisca's persons ----------------------------------------------------


# Member situation (households.EmploymentSituation) → openfisca's activity (TypesActivite). What the
# housing-benefit rules do with it: a job seeker's activity income is reduced by 30 % (with benefits)
# or, with the whole couple's, neutralised (without), once the unemployment is two months old; a
# retired person or an AAH recipient without salary gets the same 30 % on their unemployment
# benefits; parental leave neutralises the person's income; a student applicant gets the students'
# flat resources. Everything else is an ordinary activity for these rules.
ACTIVITY = {
    "salarie": "actif",
    "independant": "actif",
    "demandeur_emploi": "chomeur",
    "retraite": "retraite",
    "etudiant": "etudiant",
    "inactif": "inactif",
    "conge_parental": "actif",
    "handicap": "inactif",
    "autre": "inactif",
    "": "inactif",
}
# The file does not record when unemployment started: taken as more than two months ago (the
# rules' threshold), a year before the simulated month.
UNEMPLOYED_FOR_MONTHS = 12


def sim_household(profile: HouseholdProfile, *, month: date) -> SimHousehold:
    """The openfisca inputs of a profile (the curve key: two profiles with the same inputs share curves)."""
    start = situation.shift_months(month, -UNEMPLOYED_FOR_MONTHS)
    return SimHousehold(
        tuple(
            SimPerson(
                role=p.role,
                age=p.age,
                activity=ACTIVITY.get(p.situation, "inactif"),
                parental_leave=p.situation == "conge_parental",
                unemployment_start=start if p.situation == "demandeur_emploi" else None,
                salary=float(p.salary),
                pension=float(p.pension),
                unemployment=float(p.unemployment),
                alimony=float(p.alimony),
                aah=float(p.aah),
            )
            for p in profile.persons
        ),
        minimum_income=float(profile.monthly_minimum_income),
    )


# --- The rent curve ---------------------------------------------------------------------------


class RentCurve:
    """Benefit of one household in one kind of dwelling and month, for every whole-euro rent from 0
    to ``upper`` (openfisca rents: a foyer's fee includes its charges)."""

    def __init__(self, values: dict[str, np.ndarray], upper: int):
        self.upper = upper
        self.apl = values["aide_logement_montant"]
        # The amount net of CRDS before openfisca floors it to the euro: piecewise linear in the rent.
        self.before_floor = values["aide_logement_montant_brut_crds"] + values["crds_logement"]
        self.rls = values["reduction_loyer_solidarite"]
        tooth = TL_QUANTUM * float(np.max(values["aide_logement_ressources_apres_abattement"]))
        self.margin = FLOOR_MARGIN + 1.5 * tooth
        points = upper + 1
        first_difference = np.diff(self.before_floor)
        second_difference = np.zeros(points)
        second_difference[1:-1] = np.abs(np.diff(self.before_floor, 2))
        second_difference[0] = second_difference[-1] = np.inf
        # A grid point where floor(before_floor) is not openfisca's amount: never interpolate next to it.
        inconsistent = np.floor(self.before_floor + 1e-6) != self.apl
        suspect = (second_difference > KINK_TOLERANCE + tooth) | inconsistent
        # Interval k is [k, k + 1]; it is linear when neither end is suspect and the RLS is constant.
        self.linear = ~suspect[:-1] & ~suspect[1:] & (self.rls[:-1] == self.rls[1:])
        # Flat: the amount is the same on the interval and its two neighbours (rent above the
        # ceiling), so it is constant inside too.
        flat = first_difference == 0
        self.flat = flat & np.concatenate(([False], flat[:-1])) & np.concatenate((flat[1:], [False]))
        self.flat &= ~inconsistent[:-1] & ~inconsistent[1:] & (self.rls[:-1] == self.rls[1:])

    def lookup(self, cents: int) -> tuple[float, float] | None:
        """(apl, rls) for a rent in cents, or None when only an exact simulation can tell."""
        whole, fraction = divmod(cents, 100)
        if fraction == 0 or self.flat[whole]:
            return float(self.apl[whole]), float(self.rls[whole])
        if self.linear[whole]:
            low, high = self.before_floor[whole], self.before_floor[whole + 1]
            value = low + (high - low) * fraction / 100
            if abs(value - round(value)) > self.margin:
                return float(max(math.floor(value), 0)), float(self.rls[whole])
        return None


@dataclass
class _Entry:
    """One household in one kind of dwelling (APL zone or commune, stock kind) and month."""

    household: SimHousehold
    dwelling: Dwelling
    month: date
    values: dict | None = None  # stage-1 values (situation.household_values)
    curve: RentCurve | None = None
    exact: OrderedDict = field(default_factory=OrderedDict)  # rent in cents → (apl, rls)


_values: OrderedDict[tuple, dict] = OrderedDict()
_curves: OrderedDict[tuple, RentCurve] = OrderedDict()
_exact: OrderedDict[tuple, OrderedDict] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0, "exact_runs": 0}


def dwelling_key(household: SimHousehold, dwelling: Dwelling, month: date) -> tuple:
    """Everything a curve depends on, by value.

    Built from the household's openfisca inputs, so a household whose composition, situations or
    resources change gets a new key: a stale curve can never be served (it ages out of the LRU).
    Communes of the same APL zone share a curve (the zone is set explicitly, so the commune code
    changes nothing else for metropolitan communes).
    """
    where = ("zone", dwelling.zone) if dwelling.zone is not None else ("commune", dwelling.insee_code)
    return (household, where, dwelling.stock, f"{month:%Y-%m}")


def curve_key(
    profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date, stock=StockKind.SOCIAL
) -> tuple:
    month = normalise_month(month)
    return dwelling_key(sim_household(profile, month=month), Dwelling(insee_code, zone, str(stock)), month)


def _remember(cache: OrderedDict, key, value, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def _ensure_values(entries: dict[tuple, _Entry]) -> None:
    """Stage 1 for the entries whose household values are not cached, in one run per month."""
    missing: dict[date, list[tuple]] = {}
    with _lock:
        for key, entry in entries.items():
            cached = _values.get(key)
            if cached is not None:
                _values.move_to_end(key)
                entry.values = cached
            else:
                missing.setdefault(entry.month, []).append(key)
    for month, keys in missing.items():
        computed = situation.household_values(
            tax_benefit_system(), [(entries[k].household, entries[k].dwelling) for k in keys], month=month
        )
        with _lock:
            for key, values in zip(keys, computed, strict=True):
                entries[key].values = values
                _remember(_values, key, values, VALUES_CACHE_SIZE)


def _run_rents(jobs: list[tuple[_Entry, np.ndarray]]) -> list[dict[str, np.ndarray]]:
    """Stage 2 for (entry, openfisca rents) jobs, in as few openfisca runs as memory allows."""
    results: list = [None] * len(jobs)
    by_month: dict[date, list[int]] = {}
    for index, (entry, _) in enumerate(jobs):
        by_month.setdefault(entry.month, []).append(index)
    for month, indexes in by_month.items():
        batch: list[int] = []
        copies = 0
        for position, index in enumerate(indexes):
            batch.append(index)
            copies += len(jobs[index][1])
            if copies >= MAX_COPIES_PER_RUN or position == len(indexes) - 1:
                items = [
                    (jobs[i][0].household, jobs[i][0].dwelling, jobs[i][0].values, jobs[i][1]) for i in batch
                ]
                outputs = situation.simulate_rents(tax_benefit_system(), items, month=month)
                start = 0
                for i in batch:
                    stop = start + len(jobs[i][1])
                    results[i] = {name: array[start:stop] for name, array in outputs.items()}
                    start = stop
                batch, copies = [], 0
    return results


def _resolve(
    wanted: dict[tuple, tuple[_Entry, set[int]]], *, curves: bool
) -> dict[tuple, dict[int, tuple[float, float]]]:
    """(apl, rls) for every (entry key, openfisca rent in cents) wanted.

    ``curves``: read the rents from whole-euro curves (one household against many offers); without
    it, entries needing few distinct rents get them simulated exactly (many households at once).
    """
    found: dict[tuple, dict[int, tuple[float, float]]] = {key: {} for key in wanted}
    _ensure_values({key: entry for key, (entry, _) in wanted.items()})
    grid_jobs: list[tuple[tuple, _Entry, int]] = []
    with _lock:
        for key, (entry, cents) in wanted.items():
            use_curve = curves or len(cents) >= EXACT_POINTS_BELOW
            needed = max(cents) // 100 + 1
            curve = _curves.get(key) if use_curve else None
            if use_curve:
                if curve is not None and curve.upper >= needed:
                    _curves.move_to_end(key)
                    _stats["hits"] += 1
                    entry.curve = curve
                else:
                    _stats["misses"] += 1
                    upper = (
                        DEFAULT_RENT_UPPER if needed <= DEFAULT_RENT_UPPER else math.ceil(needed / 500) * 500
                    )
                    grid_jobs.append((key, entry, upper))
    if grid_jobs:
        outputs = _run_rents(
            [(entry, np.arange(upper + 1, dtype=np.float64)) for _, entry, upper in grid_jobs]
        )
        with _lock:
            for (key, entry, upper), values in zip(grid_jobs, outputs, strict=True):
                entry.curve = RentCurve(values, upper)
                _remember(_curves, key, entry.curve, CURVE_CACHE_SIZE)
    exact_jobs: list[tuple[tuple, _Entry, list[int]]] = []
    with _lock:
        for key, (entry, cents) in wanted.items():
            cached = _exact.get(key, {})
            todo = []
            for value in cents:
                known = entry.curve.lookup(value) if entry.curve is not None else None
                if known is None:
                    known = cached.get(value)
                if known is None:
                    todo.append(value)
                else:
                    found[key][value] = known
            if todo:
                exact_jobs.append((key, entry, sorted(todo)))
    if exact_jobs:
        outputs = _run_rents(
            [(entry, np.array(todo, dtype=np.float64) / 100) for _, entry, todo in exact_jobs]
        )
        with _lock:
            _stats["exact_runs"] += 1
            for (key, entry, todo), values in zip(exact_jobs, outputs, strict=True):
                pairs = dict(
                    zip(
                        todo,
                        zip(
                            values["aide_logement_montant"].tolist(),
                            values["reduction_loyer_solidarite"].tolist(),
                            strict=True,
                        ),
                        strict=True,
                    )
                )
                found[key].update(pairs)
                if entry.curve is not None:
                    # Only the few rents a ranking's curve could not decide are kept (a plan's many
                    # exact points are not: they would fill the memory).
                    store = _exact.get(key)
                    if store is None:
                        store = OrderedDict()
                        _remember(_exact, key, store, CURVE_CACHE_SIZE)
                    store.update(pairs)
                    while len(store) > EXACT_CACHE_SIZE:
                        store.popitem(last=False)
    return found


def clear_cache() -> None:
    """Forget every curve (tests, benchmarks, or after upgrading openfisca-france)."""
    with _lock:
        _values.clear()
        _curves.clear()
        _exact.clear()
        _matrices.clear()
        _stats.update(hits=0, misses=0, exact_runs=0)


def cache_info() -> dict:
    with _lock:
        return {"curves": len(_curves), "hits": _stats["hits"], "misses": _stats["misses"]}


# --- Public API -----------------------------------------------------------------------------


def _base_inputs(
    profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date, stock: str
) -> dict:
    return {
        "commune": insee_code,
        "zone_apl": zone,
        "month": f"{month:%Y-%m}",
        "adults": profile.adults,
        "children": profile.children,
        "children_ages": list(profile.ages),
        "persons": [
            {
                "role": p.role,
                "age": p.age,
                "situation": p.situation,
                **{
                    name: str(getattr(p, name).quantize(CENT))
                    for name in ("salary", "pension", "unemployment", "alimony", "aah")
                    if getattr(p, name)
                },
            }
            for p in profile.persons
        ],
        "monthly_taxable_income": str(profile.monthly_taxable_income.quantize(CENT)),
        "monthly_salary": str(profile.monthly_salary.quantize(CENT)),
        "monthly_pension": str(profile.monthly_pension.quantize(CENT)),
        "monthly_unemployment": str(profile.monthly_unemployment.quantize(CENT)),
        "monthly_alimony": str(profile.monthly_alimony.quantize(CENT)),
        "monthly_minimum_income": str(profile.monthly_minimum_income.quantize(CENT)),
        "monthly_aah": str(profile.monthly_aah.quantize(CENT)),
        "monthly_resources": str(profile.effort_resources.quantize(CENT)),
        "stock": stock,
        "stock_label": str(StockKind(stock).label),
        "housing_status": situation.STATUS[stock],
        "conventioned": situation.CONVENTIONED[stock],
        "assumptions": list(profile.assumptions),
        "engine": openfisca_version(),
    }


def _prepare(requests, month: date):
    """Checked items of each request, the zones, the (entry, rents) wanted and each item's place."""
    prepared = []
    codes = set()
    for profile, offers in requests:
        check_profile(profile)
        items = [
            (
                str(code or "").strip().upper(),
                _money(rent, "Loyer"),
                _money(charge, "Charges"),
                check_stock(stock),
            )
            for code, rent, charge, stock in offers
        ]
        codes.update(code for code, *_ in items)
        prepared.append((profile, items))
    zones = commune_zones(codes) if codes else {}
    wanted: dict[tuple, tuple[_Entry, set[int]]] = {}
    plans = []
    for profile, items in prepared:
        household = sim_household(profile, month=month)
        # One key per kind of dwelling, not per offer: hashing a household is not free.
        groups: dict[tuple[str, str], tuple[tuple, set[int]]] = {}
        placed = []
        for code, rent, charge, stock in items:
            group = groups.get((code, stock))
            if group is None:
                dwelling = Dwelling(code, zones[code], stock)
                key = dwelling_key(household, dwelling, month)
                if key not in wanted:
                    wanted[key] = (_Entry(household, dwelling, month), set())
                group = groups[(code, stock)] = (key, wanted[key][1])
            gross = rent + charge if stock == StockKind.FOYER else rent
            cents = int(gross * 100)
            group[1].add(cents)
            placed.append((group[0], cents))
        plans.append(placed)
    return prepared, zones, wanted, plans


def _values_in_order(found: dict, placed: list) -> list[tuple[float, float]]:
    by_key: dict[int, dict] = {}  # by the key's identity: looking a household key up hashes it
    out = []
    for key, cents in placed:
        values = by_key.get(id(key))
        if values is None:
            values = by_key[id(key)] = found[key]
        out.append(values[cents])
    return out


def compute_for_households(
    requests: Sequence[tuple[HouseholdProfile, Sequence[tuple[str, Decimal, Decimal, str]]]],
    *,
    month: date | None = None,
    curves: bool = False,
) -> list[list[BenefitResult]]:
    """Benefits of many households, each against its dwellings ``(insee_code, rent, charges, stock)``.

    Households are simulated together: one openfisca run for what does not depend on the rent (per
    household and kind of dwelling), then as few runs as memory allows for the rents. Each household
    gets, in order, the same results as ``compute_for_offers`` would give it.
    """
    month = normalise_month(month)
    prepared, zones, wanted, plans = _prepare(requests, month)
    found = _resolve(wanted, curves=curves)
    results = []
    for (profile, items), placed in zip(prepared, plans, strict=True):
        bases: dict[tuple, dict] = {}
        resources = profile.effort_resources
        household_results = []
        for (code, rent, charge, stock), (apl_value, rls_value) in zip(
            items, _values_in_order(found, placed), strict=True
        ):
            if (code, stock) not in bases:
                bases[(code, stock)] = _base_inputs(
                    profile, insee_code=code, zone=zones[code], month=month, stock=stock
                )
            apl = Decimal(int(round(apl_value))).quantize(CENT)
            rls = Decimal(str(round(rls_value, 2))).quantize(CENT)
            rac = rent + charge - apl - rls
            household_results.append(
                BenefitResult(
                    apl=apl,
                    rls=rls,
                    rac=rac,
                    effort_rate=effort_rate(rac, resources),
                    inputs={**bases[(code, stock)], "rent": str(rent), "charges": str(charge)},
                    assumptions=profile.assumptions,
                )
            )
        results.append(household_results)
    return results


def residual_rents(
    *,
    profile: HouseholdProfile,
    offers: Sequence[tuple[str, Decimal, Decimal, str]],
    month: date | None = None,
) -> np.ndarray:
    """Residual rents of one household against many offers, as floats: ``compute_for_offers``'s
    ``rac`` (same curves, same exact fallback) without a ``BenefitResult`` per offer (the ranking)."""
    month = normalise_month(month)
    prepared, _, wanted, plans = _prepare([(profile, offers)], month)
    found = _resolve(wanted, curves=True)
    items = prepared[0][1]
    values = np.array(_values_in_order(found, plans[0]), dtype=np.float64).reshape(-1, 2)
    gross = np.array([float(rent + charge) for _, rent, charge, _ in items])
    if not len(items):
        return gross
    return gross - np.floor(values[:, 0] + 0.5) - np.round(values[:, 1], 2)


_matrices: OrderedDict[tuple, np.ndarray] = OrderedDict()
MATRIX_CACHE_SIZE = 4


def residual_rent_matrix(
    *,
    profiles: Sequence[HouseholdProfile | None],
    offers: Sequence[tuple[str, Decimal, Decimal, str]],
    month: date | None = None,
    zones: dict[str, int | None] | None = None,
) -> np.ndarray:
    """Residual rents (rent + charges − APL − RLS) of many households × many offers, as floats.

    For an allocation plan: each household is simulated once per kind of dwelling (zone, stock kind),
    then exactly at each distinct rent of the offers, all households together (no curve, no
    ``BenefitResult`` per pair). Row ``i`` equals ``compute_for_offers`` for ``profiles[i]`` (tested);
    a ``None`` profile, or one the rules refuse, gives a row of ``nan``. The last few matrices are
    kept, so that a plan shown again (after a pin or an exclusion) is not recomputed. ``zones``: the
    APL zone of each commune when the caller read them with the offers (saves a query).
    """
    month = normalise_month(month)
    items = [
        (
            str(code or "").strip().upper(),
            _money(rent, "Loyer"),
            _money(charge, "Charges"),
            check_stock(stock),
        )
        for code, rent, charge, stock in offers
    ]
    out = np.full((len(profiles), len(items)), np.nan)
    if not items or not profiles:
        return out
    households: list[SimHousehold | None] = []
    for profile in profiles:
        try:
            if profile is None:
                raise DomainError("")
            check_profile(profile)
            households.append(sim_household(profile, month=month))
        except DomainError:
            households.append(None)
    cache_key = (tuple(households), tuple(items), month)
    with _lock:
        cached = _matrices.get(cache_key)
        if cached is not None:
            _matrices.move_to_end(cache_key)
            return cached.copy()
    codes = {code for code, *_ in items}
    if zones is None or not codes <= zones.keys():
        zones = commune_zones(codes)
    gross = np.array([float(rent + charge) for _, rent, charge, _ in items])
    # Offers grouped by kind of dwelling; within a group, by distinct openfisca rent (in cents).
    grouped: dict[tuple, tuple[Dwelling, list[int], list[int]]] = {}
    for index, (code, rent, charge, stock) in enumerate(items):
        dwelling = Dwelling(code, zones[code], stock)
        where = ("zone", dwelling.zone) if dwelling.zone is not None else ("commune", code)
        group = grouped.setdefault((where, stock), (dwelling, [], []))
        group[1].append(index)
        group[2].append(
            int((Decimal(str(situation.openfisca_rent(stock, rent, charge))) * 100).to_integral_value())
        )
    groups = []
    for dwelling, columns, cents in grouped.values():
        distinct, position = np.unique(np.array(cents, dtype=np.int64), return_inverse=True)
        groups.append((dwelling, np.array(columns), distinct / 100, position))
    entries = {}
    jobs = []
    for row, household in enumerate(households):
        if household is None:
            continue
        for number, (dwelling, _, rents, _) in enumerate(groups):
            key = dwelling_key(household, dwelling, month)
            entry = entries.setdefault(key, _Entry(household, dwelling, month))
            jobs.append((row, number, entry, rents))
    _ensure_values(entries)
    outputs = _run_rents([(entry, rents) for _, _, entry, rents in jobs])
    for (row, number, _, _), values in zip(jobs, outputs, strict=True):
        _, columns, _, position = groups[number]
        apl = np.floor(values["aide_logement_montant"] + 0.5)[position]
        rls = np.round(values["reduction_loyer_solidarite"], 2)[position]
        out[row, columns] = gross[columns] - apl - rls
    with _lock:
        _remember(_matrices, cache_key, out.copy(), MATRIX_CACHE_SIZE)
    return out


def compute_for_offers(
    *,
    profile: HouseholdProfile,
    offers: Sequence[tuple[str, Decimal, Decimal, str]],
    month: date | None = None,
) -> list[BenefitResult]:
    """Benefits for one household against many offers ``(insee_code, rent, charges, stock)``, in order.

    Offers are grouped by APL zone and stock kind: one cached curve per group (all built in one
    openfisca run), and at most one more run for the rents the curves cannot decide.
    """
    if not offers:
        check_profile(profile)
        return []
    return compute_for_households([(profile, offers)], month=month, curves=True)[0]


def compute_for_rents(
    *,
    profile: HouseholdProfile,
    insee_code: str,
    rents: Sequence[Decimal],
    charges: Sequence[Decimal],
    stock: str,
    month: date | None = None,
) -> list[BenefitResult]:
    """Benefits for one household against many rents in one commune and stock kind (one cached curve).

    Actual charges do not enter the benefit (openfisca uses a flat charges allowance) except in a
    foyer, whose fee includes them; otherwise they only add to the residual rent.
    """
    if len(rents) != len(charges):
        raise ValueError("rents and charges must have the same length")
    return compute_for_offers(
        profile=profile,
        offers=[(insee_code, rent, charge, stock) for rent, charge in zip(rents, charges, strict=True)],
        month=month,
    )


def compute_benefits(
    *,
    profile: HouseholdProfile,
    insee_code: str,
    rent: Decimal,
    charges: Decimal,
    stock: str,
    month: date | None = None,
) -> BenefitResult:
    return compute_for_rents(
        profile=profile, insee_code=insee_code, rents=[rent], charges=[charges], stock=stock, month=month
    )[0]


def simulate_exact(
    profile: HouseholdProfile,
    *,
    insee_code: str,
    zone: int | None,
    month: date,
    rents: Sequence[float],
    stock: str = StockKind.SOCIAL,
) -> list[tuple[float, float]]:
    """(apl, rls) for each openfisca rent, simulated without curve or cache (warm-up, benchmarks)."""
    month = normalise_month(month)
    entry = _Entry(sim_household(profile, month=month), Dwelling(insee_code, zone, str(stock)), month)
    entry.values = situation.household_values(
        tax_benefit_system(), [(entry.household, entry.dwelling)], month=month
    )[0]
    values = _run_rents([(entry, np.asarray(rents, dtype=np.float64))])[0]
    return list(
        zip(
            values["aide_logement_montant"].tolist(),
            values["reduction_loyer_solidarite"].tolist(),
            strict=True,
        )
    )


# --- Households -------------------------------------------------------------------------------


def profile_for_household(household, *, month: date | None = None) -> HouseholdProfile:
    """The benefit profile of a household: its members (roles, ages, situations) and its resource
    lines given to the members they belong to, with the assumptions made (``benefits.profiles``).

    Uses ``household.resources.all()`` and ``household.members.all()``, so prefetching both keeps a
    list of households at a constant number of queries.
    """
    from relogement.benefits.profiles import household_profile

    return household_profile(household, month=month)
