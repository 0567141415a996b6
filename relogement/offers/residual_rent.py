"""Residual rent (reste à charge) and effort rate, before and after, for a household against a dwelling.

APL and RLS come from the benefits engine (``relogement.benefits.engine``, openfisca-france), owned by
the benefits area. The engine is reached through ONE function, ``_engine()``, so that the rest of the
offers area works (and is tested) when the engine is absent or fails: the estimate is then marked
unavailable and the page says so instead of breaking.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


@dataclass
class RentEstimate:
    rent: Decimal | None
    charges: Decimal | None
    apl: Decimal | None = None
    rls: Decimal | None = None
    rac: Decimal | None = None
    effort_rate: Decimal | None = None
    inputs: dict = field(default_factory=dict)
    available: bool = True
    source: str = ""  # "engine", "recorded"
    error: str = ""
    # What the engine assumed where the household file is silent (French): an estimate then.
    assumptions: tuple[str, ...] = ()

    @property
    def estimate(self) -> bool:
        return bool(self.assumptions)


def _engine():
    """The benefits engine module, or None when it is not installed yet."""
    try:
        from relogement.benefits import engine
    except ImportError:
        return None
    return engine


def _effort_rate(rac: Decimal | None, resources: Decimal | None) -> Decimal | None:
    if rac is None or not resources or resources <= 0:
        return None
    return (rac / resources).quantize(Decimal("0.0001"))


def estimate_before(household) -> RentEstimate:
    """The before-situation as recorded in the household file (rent, charges, APL, RLS actually paid).

    INDICATORS.md: RAC = rent + charges − APL − RLS, where an empty RLS counts as 0 (most tenants get
    none) but an empty rent, charges or APL makes the RAC *not computable*: an APL left blank is an
    unknown amount, not a household that receives nothing (it records 0 then).
    """
    rent, charges = household.rent_before, household.charges_before
    missing = [
        label
        for label, value in (("le loyer", rent), ("les charges", charges), ("l'APL", household.apl_before))
        if value is None
    ]
    if missing:
        return RentEstimate(
            rent=rent,
            charges=charges,
            apl=household.apl_before,
            rls=household.rls_before,
            available=False,
            source="recorded",
            error="Reste à charge non calculable : le dossier ne renseigne pas "
            f"{_french_list(missing)} d'avant le relogement.",
        )
    rls = household.rls_before or Decimal("0")
    rac = (rent + charges - household.apl_before - rls).quantize(CENT)
    return RentEstimate(
        rent=rent,
        charges=charges,
        apl=household.apl_before,
        rls=household.rls_before,
        rac=rac,
        effort_rate=_effort_rate(rac, household.monthly_resources),
        inputs={"ressources mensuelles": household.monthly_resources},
        source="recorded",
    )


def _french_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def estimate_for_dwelling(
    household, *, insee_code: str, rent: Decimal, charges: Decimal, stock: str
) -> RentEstimate:
    """APL, RLS, residual rent and effort rate of the household in a dwelling, computed by the engine.

    ``stock`` is the dwelling's stock kind (``benefits.stock.StockKind``): RLS only in conventioned
    social housing, AL in the private stock, APL-foyer in a foyer.
    """
    engine = _engine()
    if engine is None:
        return RentEstimate(
            rent=rent,
            charges=charges,
            available=False,
            error="Le moteur de calcul des aides au logement n'est pas disponible.",
        )
    try:
        profile = engine.profile_for_household(household)
        result = engine.compute_benefits(
            profile=profile, insee_code=insee_code, rent=rent, charges=charges, stock=stock
        )
        effort = engine.effort_rate(result.rac, household.monthly_resources)
    except Exception:  # the page must still render if openfisca fails on odd inputs
        logger.exception("Calcul APL/RLS impossible pour le ménage %s", household.pk)
        return RentEstimate(
            rent=rent,
            charges=charges,
            available=False,
            error="Le calcul des aides au logement a échoué pour ces données.",
        )
    return RentEstimate(
        rent=rent,
        charges=charges,
        apl=result.apl,
        rls=result.rls,
        rac=result.rac,
        effort_rate=effort,
        inputs=shown_inputs(result.inputs),
        source="engine",
        assumptions=tuple(result.assumptions),
    )


ROLE_LABELS = {"reference": "demandeur", "spouse": "conjoint", "child": "enfant", "other": "autre adulte"}
INCOME_LABELS = {
    "salary": "salaires",
    "pension": "retraite",
    "unemployment": "chômage",
    "alimony": "pension alimentaire",
    "aah": "AAH",
}


def shown_inputs(inputs: dict) -> dict:
    """The engine's inputs for the page: the members in one readable line each (the assumptions are
    shown apart)."""
    from relogement.core.formatting import format_euros

    shown = {key: value for key, value in inputs.items() if key not in ("persons", "assumptions")}
    for number, person in enumerate(inputs.get("persons", []), start=1):
        incomes = ", ".join(
            f"{label} {format_euros(person[key])}" for key, label in INCOME_LABELS.items() if person.get(key)
        )
        shown[f"membre {number}"] = (
            f"{ROLE_LABELS.get(person['role'], person['role'])}, {person['age']} ans"
            + (f", {person['situation']}" if person.get("situation") else "")
            + (f" — {incomes}" if incomes else "")
        )
    return shown


def estimate_for_offer(household, offer) -> RentEstimate:
    return estimate_for_dwelling(
        household,
        insee_code=offer.commune.insee_code,
        rent=offer.rent,
        charges=offer.charges,
        stock=offer.stock_kind,
    )
