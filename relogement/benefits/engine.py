"""Housing benefit (APL/AL) and rent reduction (RLS) for a household and a rent, with openfisca-france.

The contract (used by offers, matching and rehousing) is ``HouseholdProfile``, ``BenefitResult``,
``profile_for_household``, ``compute_benefits``, ``compute_for_rents`` and ``effort_rate``.
Design, accuracy and caching are explained in ``docs/benefits.md``.

Why a curve: building an openfisca simulation costs about a second whatever its size, so one
household is simulated once over a whole range of rents (openfisca ``axes``, one point per euro)
and each offer's rent is read from that curve. The final amount is floored to the euro by
openfisca, so the curve keeps the amount *before* that floor, interpolates it linearly between
two whole euros, and floors it the same way. Where the interpolation could be wrong (a kink of
the formula inside the interval, or a value too close to a whole euro to decide the floor), the
rent is simulated exactly instead: the result always equals a direct openfisca run.
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
MAX_ADULTS = 2
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
EXACT_CACHE_SIZE = 20_000

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class HouseholdProfile:
    """What the benefit rules need to know about a household.

    ``monthly_taxable_income`` is the total monthly taxable income over the rolling past year. The
    optional split says how much of it is pensions, unemployment benefits or alimony received (the
    rest is salaries); each has its own allowance in the rules. ``monthly_resources`` is the
    denominator of the effort rate (all resources); it defaults to the taxable income. Minimum income
    (RSA) and AAH are not resources for the benefit but are passed to openfisca as received amounts.
    """

    adults: int
    children: int
    monthly_taxable_income: Decimal
    social_housing: bool = True
    monthly_pension: Decimal = ZERO
    monthly_unemployment: Decimal = ZERO
    monthly_alimony: Decimal = ZERO
    children_ages: tuple[int, ...] | None = None
    monthly_resources: Decimal | None = None
    # Received but not counted as resources; RSA neutralises activity income, AAH changes allowances.
    monthly_minimum_income: Decimal = ZERO
    monthly_aah: Decimal = ZERO

    @property
    def monthly_salary(self) -> Decimal:
        return (
            self.monthly_taxable_income
            - self.monthly_pension
            - self.monthly_unemployment
            - self.monthly_alimony
        )

    @property
    def ages(self) -> tuple[int, ...]:
        if self.children_ages is not None:
            return tuple(self.children_ages)
        return (DEFAULT_CHILD_AGE,) * self.children

    @property
    def effort_resources(self) -> Decimal:
        if self.monthly_resources is not None:
            return self.monthly_resources
        return self.monthly_taxable_income


@dataclass
class BenefitResult:
    apl: Decimal  # benefit actually paid, after the RLS deduction (APL, or AL outside social housing)
    rls: Decimal
    rac: Decimal  # rent + charges - apl - rls
    effort_rate: Decimal | None
    inputs: dict = field(default_factory=dict)


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
    if not 1 <= profile.adults <= MAX_ADULTS:
        raise DomainError("Le calcul des aides au logement accepte 1 ou 2 adultes.")
    if not 0 <= profile.children <= MAX_CHILDREN:
        raise DomainError(f"Le nombre d'enfants doit être compris entre 0 et {MAX_CHILDREN}.")
    if len(profile.ages) != profile.children:
        raise DomainError("Il faut un âge par enfant.")
    if any(not 0 <= age <= 25 for age in profile.ages):
        raise DomainError("L'âge d'un enfant doit être compris entre 0 et 25 ans.")
    _money(profile.monthly_taxable_income, "Revenu imposable mensuel")
    for amount, label in (
        (profile.monthly_pension, "Pensions de retraite"),
        (profile.monthly_unemployment, "Allocations chômage"),
        (profile.monthly_alimony, "Pensions alimentaires"),
        (profile.monthly_minimum_income, "RSA"),
        (profile.monthly_aah, "AAH"),
    ):
        _money(amount, label)
    if profile.monthly_salary < 0:
        raise DomainError("Les pensions et allocations dépassent le revenu imposable total.")


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


# --- Situations -----------------------------------------------------------------------------


def _shift_months(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def _birth(month: date, age_years: int) -> str:
    # Six months past the birthday: the age is the same in every month around the simulated one.
    return _shift_months(month, -(12 * age_years + 6)).isoformat()


def _situation(profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date) -> dict:
    """One openfisca household (famille, foyer fiscal, ménage) for the profile; the rent is set later."""
    period = f"{month:%Y-%m}"
    # Incomes are taxable amounts of the rolling past year (months M-13 to M-2 for month M), assumed
    # stable: they are entered for every month from January of year N-2 to M, which also covers the
    # fiscal reference year N-2 and the previous calendar year that some checks read. Every person
    # gets explicit amounts (zero for children) so that openfisca does not rebuild salaries from
    # gross wages, and RSA/AAH/ASS are taken as declared rather than re-simulated (openfisca would
    # otherwise compute RSA, which is slow and not what the household receives).
    income_months = [f"{_shift_months(month, -delta):%Y-%m}" for delta in range(0, 24 + month.month)]
    incomes = {
        "salaire_imposable": float(profile.monthly_salary),
        "retraite_imposable": float(profile.monthly_pension),
        "chomage_imposable": float(profile.monthly_unemployment),
        "pensions_alimentaires_percues": float(profile.monthly_alimony),
        "aah": float(profile.monthly_aah),
        "ass": 0.0,
    }
    housing_status = "locataire_hlm" if profile.social_housing else "locataire_vide"
    adults = [f"adulte{n}" for n in range(profile.adults)]
    children = [f"enfant{n}" for n in range(profile.children)]
    individus = {name: {"date_naissance": {"ETERNITY": _birth(month, ADULT_AGE)}} for name in adults}
    for name, age in zip(children, profile.ages, strict=True):
        individus[name] = {"date_naissance": {"ETERNITY": _birth(month, age)}}
    # The whole income is declared by the first adult (the applicant); the others have none.
    for position, name in enumerate(adults + children):
        for variable, amount in incomes.items():
            individus[name][variable] = {m: amount if position == 0 else 0.0 for m in income_months}
        individus[name]["boursier"] = {period: False}
    menage = {
        "personne_de_reference": adults[:1],
        "conjoint": adults[1:],
        "enfants": children,
        "loyer": {period: 0.0},
        "depcom": {period: insee_code},
        "statut_occupation_logement": {period: housing_status},
    }
    if zone is not None:
        menage["zone_apl"] = {period: f"zone_{zone}"}
    return {
        "individus": individus,
        "familles": {
            "famille": {
                "parents": adults,
                "enfants": children,
                "rsa": {m: float(profile.monthly_minimum_income) for m in income_months},
            }
        },
        "foyers_fiscaux": {"foyer": {"declarants": adults, "personnes_a_charge": children}},
        "menages": {"menage": menage},
    }


OUTPUTS = (
    "aide_logement_montant",
    "aide_logement_montant_brut_crds",
    "crds_logement",
    "reduction_loyer_solidarite",
    "aide_logement_ressources_apres_abattement",
)


def simulate_rents(
    profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date, rents: Sequence[float]
) -> dict[str, np.ndarray]:
    """Run openfisca once for the profile at each rent.

    The household is replicated by an openfisca axis (one copy per rent, computed together as
    vectors), then each copy's rent is set: the inputs are parsed once, which is what makes a
    thousand rents cost about as much as one.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    period = f"{month:%Y-%m}"
    situation = _situation(profile, insee_code=insee_code, zone=zone, month=month)
    situation["axes"] = [[{"count": len(rents), "name": "loyer", "min": 0, "max": 1, "period": period}]]
    simulation = SimulationBuilder().build_from_entities(tax_benefit_system(), situation)
    # Replace the axis placeholder rents (0 to 1) by the wanted ones.
    simulation.delete_arrays("loyer", period)
    simulation.set_input("loyer", period, np.asarray(rents, dtype=np.float32))
    return {name: np.asarray(simulation.calculate(name, period), dtype=np.float64) for name in OUTPUTS}


def simulate_exact(
    profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date, rents: Sequence[float]
) -> list[tuple[float, float]]:
    """(apl, rls) for each rent, simulated (no interpolation)."""
    values = simulate_rents(profile, insee_code=insee_code, zone=zone, month=month, rents=rents)
    return list(
        zip(
            values["aide_logement_montant"].tolist(),
            values["reduction_loyer_solidarite"].tolist(),
            strict=True,
        )
    )


# --- The rent curve ---------------------------------------------------------------------------


class RentCurve:
    """Benefit of one profile in one zone and month, for every whole-euro rent from 0 to ``upper``."""

    def __init__(
        self, profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date, upper: int
    ):
        self.profile, self.insee_code, self.zone, self.month, self.upper = (
            profile,
            insee_code,
            zone,
            month,
            upper,
        )
        values = simulate_rents(
            profile,
            insee_code=insee_code,
            zone=zone,
            month=month,
            rents=np.arange(upper + 1, dtype=np.float64),
        )
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
        self.exact: OrderedDict[int, tuple[float, float]] = OrderedDict()
        self.exact_simulations = 0
        self._lock = threading.Lock()

    def values_for(self, rents_in_cents: Sequence[int]) -> list[tuple[float, float]]:
        """(apl, rls) for each rent given in cents."""
        results: list[tuple[float, float] | None] = []
        to_simulate: list[int] = []
        for cents in rents_in_cents:
            whole, fraction = divmod(cents, 100)
            if fraction == 0:
                results.append((float(self.apl[whole]), float(self.rls[whole])))
                continue
            if self.flat[whole]:
                results.append((float(self.apl[whole]), float(self.rls[whole])))
                continue
            if self.linear[whole]:
                low, high = self.before_floor[whole], self.before_floor[whole + 1]
                value = low + (high - low) * fraction / 100
                if abs(value - round(value)) > self.margin:
                    results.append((float(max(math.floor(value), 0)), float(self.rls[whole])))
                    continue
            with self._lock:
                cached = self.exact.get(cents)
            if cached is not None:
                results.append(cached)
            else:
                results.append(None)
                to_simulate.append(cents)
        if to_simulate:
            unique = sorted(set(to_simulate))
            computed = simulate_exact(
                self.profile,
                insee_code=self.insee_code,
                zone=self.zone,
                month=self.month,
                rents=[c / 100 for c in unique],
            )
            self.exact_simulations += 1
            found = dict(zip(unique, computed, strict=True))
            with self._lock:
                self.exact.update(found)
                while len(self.exact) > EXACT_CACHE_SIZE:
                    self.exact.popitem(last=False)
            results = [found[c] if r is None else r for c, r in zip(rents_in_cents, results, strict=True)]
        return results  # type: ignore[return-value]


_curves: OrderedDict[tuple, RentCurve] = OrderedDict()
_curves_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def curve_key(profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date) -> tuple:
    """Everything the curve depends on, by value.

    Built from the profile's values, so a household whose composition or resources change gets a
    new key: a stale curve can never be served (it just ages out of the LRU). Communes of the same
    APL zone share a curve (the zone is set explicitly, so the commune code changes nothing else).
    """
    where = ("zone", zone) if zone is not None else ("commune", insee_code)
    return (
        profile.adults,
        profile.children,
        profile.ages,
        str(profile.monthly_salary),
        str(profile.monthly_pension),
        str(profile.monthly_unemployment),
        str(profile.monthly_alimony),
        str(profile.monthly_minimum_income),
        str(profile.monthly_aah),
        bool(profile.social_housing),
        where,
        f"{month:%Y-%m}",
    )


def _curve_for(profile, *, insee_code: str, zone: int | None, month: date, max_rent: Decimal) -> RentCurve:
    key = curve_key(profile, insee_code=insee_code, zone=zone, month=month)
    needed = int(max_rent) + 1
    with _curves_lock:
        curve = _curves.get(key)
        if curve is not None and curve.upper >= needed:
            _curves.move_to_end(key)
            _stats["hits"] += 1
            return curve
        _stats["misses"] += 1
    upper = DEFAULT_RENT_UPPER if needed <= DEFAULT_RENT_UPPER else math.ceil(needed / 500) * 500
    curve = RentCurve(profile, insee_code=insee_code, zone=zone, month=month, upper=upper)
    with _curves_lock:
        _curves[key] = curve
        _curves.move_to_end(key)
        while len(_curves) > CURVE_CACHE_SIZE:
            _curves.popitem(last=False)
    return curve


def clear_cache() -> None:
    """Forget every curve (tests, benchmarks, or after upgrading openfisca-france)."""
    with _curves_lock:
        _curves.clear()
        _stats.update(hits=0, misses=0)


def cache_info() -> dict:
    with _curves_lock:
        return {"curves": len(_curves), **_stats}


# --- Public API -----------------------------------------------------------------------------


def _base_inputs(profile: HouseholdProfile, *, insee_code: str, zone: int | None, month: date) -> dict:
    return {
        "commune": insee_code,
        "zone_apl": zone,
        "month": f"{month:%Y-%m}",
        "adults": profile.adults,
        "children": profile.children,
        "children_ages": list(profile.ages),
        "monthly_taxable_income": str(profile.monthly_taxable_income.quantize(CENT)),
        "monthly_salary": str(profile.monthly_salary.quantize(CENT)),
        "monthly_pension": str(profile.monthly_pension.quantize(CENT)),
        "monthly_unemployment": str(profile.monthly_unemployment.quantize(CENT)),
        "monthly_alimony": str(profile.monthly_alimony.quantize(CENT)),
        "monthly_minimum_income": str(profile.monthly_minimum_income.quantize(CENT)),
        "monthly_aah": str(profile.monthly_aah.quantize(CENT)),
        "monthly_resources": str(profile.effort_resources.quantize(CENT)),
        "social_housing": bool(profile.social_housing),
        "housing_status": "locataire_hlm" if profile.social_housing else "locataire_vide",
        "engine": openfisca_version(),
    }


def compute_for_offers(
    *,
    profile: HouseholdProfile,
    offers: Sequence[tuple[str, Decimal, Decimal]],
    month: date | None = None,
) -> list[BenefitResult]:
    """Benefits for one household against many offers ``(insee_code, rent, charges)``, in order.

    Offers are grouped by APL zone: one cached curve per zone, and at most one exact openfisca run
    per zone for the rents the curve cannot decide. Prefer it to ``compute_for_rents`` per commune
    when the offers are in several communes.
    """
    check_profile(profile)
    month = normalise_month(month)
    items = [
        (str(code or "").strip().upper(), _money(rent, "Loyer"), _money(charge, "Charges"))
        for code, rent, charge in offers
    ]
    if not items:
        return []
    zones = commune_zones({code for code, _, _ in items})
    keys = {code: curve_key(profile, insee_code=code, zone=zone, month=month) for code, zone in zones.items()}
    groups: dict[tuple, list[int]] = {}
    for index, (code, _, _) in enumerate(items):
        groups.setdefault(keys[code], []).append(index)
    results: list = [None] * len(items)
    for indexes in groups.values():
        first_code = items[indexes[0]][0]
        curve = _curve_for(
            profile,
            insee_code=first_code,
            zone=zones[first_code],
            month=month,
            max_rent=max(items[i][1] for i in indexes),
        )
        pairs = curve.values_for([int(items[i][1] * 100) for i in indexes])
        bases: dict[str, dict] = {}
        for index, (apl_value, rls_value) in zip(indexes, pairs, strict=True):
            code, rent, charge = items[index]
            if code not in bases:
                bases[code] = _base_inputs(profile, insee_code=code, zone=zones[code], month=month)
            apl = Decimal(int(round(apl_value))).quantize(CENT)
            rls = Decimal(str(round(rls_value, 2))).quantize(CENT)
            rac = rent + charge - apl - rls
            results[index] = BenefitResult(
                apl=apl,
                rls=rls,
                rac=rac,
                effort_rate=effort_rate(rac, profile.effort_resources),
                inputs={**bases[code], "rent": str(rent), "charges": str(charge)},
            )
    return results


def compute_for_rents(
    *,
    profile: HouseholdProfile,
    insee_code: str,
    rents: Sequence[Decimal],
    charges: Sequence[Decimal],
    month: date | None = None,
) -> list[BenefitResult]:
    """Benefits for one household against many rents in one commune (one cached openfisca curve).

    Actual charges do not enter the benefit (openfisca uses a flat charges allowance); they only
    add to the residual rent.
    """
    if len(rents) != len(charges):
        raise ValueError("rents and charges must have the same length")
    return compute_for_offers(
        profile=profile,
        offers=[(insee_code, rent, charge) for rent, charge in zip(rents, charges, strict=True)],
        month=month,
    )


def compute_benefits(
    *, profile: HouseholdProfile, insee_code: str, rent: Decimal, charges: Decimal, month: date | None = None
) -> BenefitResult:
    return compute_for_rents(
        profile=profile, insee_code=insee_code, rents=[rent], charges=[charges], month=month
    )[0]


# --- Households -------------------------------------------------------------------------------

# Which household resources the benefit rules count, and as what (docs/benefits.md has the table).
RESOURCE_MAPPING = {
    "salaire": "salaire_imposable",
    "retraite": "retraite_imposable",
    "chomage": "chomage_imposable",
    "pension_alimentaire": "pensions_alimentaires_percues",
    # Not resources for the benefit, but received: passed as such (RSA neutralises activity income).
    "rsa": "rsa",
    "aah": "aah",
    # Not counted at all.
    "prestations_familiales": None,
    "autre": None,  # unknown nature: not counted rather than guessed
}
COUNTED_KINDS = ("salaire", "retraite", "chomage", "pension_alimentaire")


def profile_for_household(
    household, *, social_housing: bool = True, month: date | None = None
) -> HouseholdProfile:
    """The benefit profile of a household, from its resource lines (or ``monthly_resources``).

    Uses ``household.resources.all()`` and ``household.members.all()``, so prefetching both keeps a
    list of households at a constant number of queries.
    """
    from relogement.households.models import Relation

    month = normalise_month(month)
    lines = list(household.resources.all())
    totals = dict.fromkeys(RESOURCE_MAPPING, ZERO)
    if lines:
        for line in lines:
            totals[line.kind] = totals.get(line.kind, ZERO) + (line.monthly_amount or ZERO)
        resources = sum((line.monthly_amount or ZERO for line in lines), ZERO)
    else:
        # Without resource lines, the declared monthly resources are taken as taxable salaries.
        totals["salaire"] = household.monthly_resources or ZERO
        resources = household.monthly_resources
    pension, unemployment, alimony = totals["retraite"], totals["chomage"], totals["pension_alimentaire"]
    taxable = sum((totals[kind] for kind in COUNTED_KINDS), ZERO)
    children = min(household.children_count or 0, MAX_CHILDREN)
    ages = [
        _age(member.birth_date, month)
        for member in household.members.all()
        if member.relation == Relation.CHILD and member.birth_date
    ]
    ages = [age for age in ages if 0 <= age <= 25][:children]
    ages += [DEFAULT_CHILD_AGE] * (children - len(ages))
    return HouseholdProfile(
        adults=min(max(household.adults_count or 1, 1), MAX_ADULTS),
        children=children,
        monthly_taxable_income=taxable,
        social_housing=social_housing,
        monthly_pension=pension,
        monthly_unemployment=unemployment,
        monthly_alimony=alimony,
        children_ages=tuple(ages),
        monthly_resources=resources,
        monthly_minimum_income=totals["rsa"],
        monthly_aah=totals["aah"],
    )


def _age(birth: date, month: date) -> int:
    return month.year - birth.year - ((month.month, month.day) < (birth.month, birth.day))
