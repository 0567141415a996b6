"""Where the residual rent of each offer comes from.

A provider is a callable ``(household_context, offers, indices) -> np.ndarray`` of monthly residual
rents (``nan`` when unknown) for ``offers`` rows ``indices``. Criteria never call the benefits engine
themselves, so their tests inject a plain function.

- ``EngineResidualRent``: the benefits engine (``relogement.benefits.engine.compute_for_rents``), one
  cached openfisca curve per household profile and zone: exact, used for a household's ranking.
- ``EstimatedResidualRent``: rent + charges − (APL + RLS received before), the household's current aid
  carried over. Used where hundreds of households are scored at once (allocation plan, weights
  preview), where one openfisca simulation per household would take minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np

from relogement.core.errors import DomainError
from relogement.matching.criteria.base import HouseholdContext, OfferTable

ResidualRentProvider = Callable[[HouseholdContext, OfferTable, np.ndarray], np.ndarray]


class EngineResidualRent:
    """Residual rents from the benefits engine.

    The engine's curve depends on the commune only through its APL zone, so offers are grouped by
    zone (by commune when the zone is unknown) and each group is one ``compute_for_rents`` call with
    a representative commune code: a few calls per household, whatever the number of offers.
    A commune the engine refuses (unknown code) leaves its offers' residual rent unknown.

    ``whole_euros`` (default): the benefit is read at the rent rounded to the euro, then the exact rent
    and charges are used in the residual rent. The curve holds every whole-euro rent, so no extra
    openfisca simulation is needed, whereas a rent with cents near a kink or a floor of the formula
    triggers an exact simulation (20,000 offers took two minutes). The benefit differs from the exact
    one by at most about 1 €, which does not change a ranking; the proposal itself uses the exact engine.
    """

    def __init__(self, *, whole_euros: bool = True):
        self.whole_euros = whole_euros

    def __call__(self, hh: HouseholdContext, offers: OfferTable, indices: np.ndarray) -> np.ndarray:
        from relogement.benefits import engine

        out = np.full(len(indices), np.nan)
        if len(indices) == 0:
            return out
        if hh.profile is None:
            if hh.household is None:
                return out
            try:
                hh.profile = engine.profile_for_household(hh.household)
            except DomainError:
                return out
        codes = offers.insee_code[indices]
        zones = offers.zone[indices]
        groups: dict = {}
        for position, (zone, code) in enumerate(zip(zones.tolist(), codes.tolist(), strict=True)):
            if code:
                groups.setdefault(("zone", zone) if zone else ("commune", code), []).append(position)
        rents = offers.rent[indices]
        charges = offers.charges[indices]
        for members in groups.values():
            where = np.array(members, dtype=np.int64)
            exact = rents[where]
            asked = np.round(exact) if self.whole_euros else exact
            try:
                results = engine.compute_for_rents(
                    profile=hh.profile,
                    insee_code=str(codes[where[0]]),
                    rents=[Decimal(f"{value:.2f}") for value in asked],
                    charges=[Decimal(f"{value:.2f}") for value in charges[where]],
                )
            except DomainError:
                continue
            out[where] = np.array([float(result.rac) for result in results]) + (exact - asked)
        return out


def estimated_residual_rent(hh: HouseholdContext, offers: OfferTable, indices: np.ndarray) -> np.ndarray:
    if hh.aid_before is None:
        return np.full(len(indices), np.nan)
    return np.maximum(offers.rent[indices] + offers.charges[indices] - hh.aid_before, 0.0)


EstimatedResidualRent = estimated_residual_rent


def no_residual_rent(hh: HouseholdContext, offers: OfferTable, indices: np.ndarray) -> np.ndarray:
    return np.full(len(indices), np.nan)


def engine_available() -> bool:
    try:
        from relogement.benefits import engine
    except ImportError:
        return False
    return hasattr(engine, "compute_for_rents") and hasattr(engine, "profile_for_household")


def default_provider() -> tuple[ResidualRentProvider, bool]:
    """(provider, exact): the benefits engine when it is installed, the estimate otherwise."""
    if engine_available():
        return EngineResidualRent(), True
    return estimated_residual_rent, False
