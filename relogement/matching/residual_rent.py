"""Where the residual rent of each offer comes from.

A provider is a callable ``(household_context, offers, indices) -> np.ndarray`` of monthly residual
rents (``nan`` when unknown) for ``offers`` rows ``indices``. Criteria never call the benefits engine
themselves, so their tests inject a plain function.

- ``EngineResidualRent``: the benefits engine (``relogement.benefits.engine.residual_rents``), one
  cached openfisca curve per household profile and zone: exact (within 0.01 €), used for a household's
  ranking and for "why not this offer?".
- ``MatrixResidualRent``: the same exact values for many households against the same offers, computed
  together (allocation plan, weights preview, and one offer against thousands of households: offer →
  households, whose contexts get their profiles from ``attach_profiles``).
- ``estimated_residual_rent``: rent + charges − (APL + RLS received before), the household's current
  aid carried over. Only where the engine is not installed (``default_provider``) and in tests of the
  criteria; never for a page when the engine is there (it ignores the offer's stock kind).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np

from relogement.core.errors import DomainError
from relogement.matching.criteria.base import HouseholdContext, OfferTable

ResidualRentProvider = Callable[[HouseholdContext, OfferTable, np.ndarray], np.ndarray]


class EngineResidualRent:
    """Exact residual rents from the benefits engine (``compute_for_offers``, within 0.01 €).

    One call for all the offers: the engine groups them by APL zone, builds (or reuses) one cached
    curve per household profile and zone (the MEL has zones 2 and 3, so at most two curves), and
    simulates exactly, in one more run per zone, the few rents with cents the curve cannot decide.
    If the engine refuses the batch (a commune it does not know), offers are retried commune by
    commune so that only the refused commune's offers stay unknown (``nan``).
    """

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
        codes = offers.insee_code[indices].tolist()
        rents = offers.rent[indices]
        charges = offers.charges[indices]
        stocks = offers.stock[indices].tolist()
        # Table amounts are floats read from Decimal columns: formatting to cents gives them back exactly.
        rows = {
            position: (
                code,
                Decimal(f"{rents[position]:.2f}"),
                Decimal(f"{charges[position]:.2f}"),
                stocks[position],
            )
            for position, code in enumerate(codes)
            if code
        }
        try:
            self._fill(engine, hh.profile, rows, out)
        except DomainError:
            by_commune: dict[str, dict] = {}
            for position, row in rows.items():
                by_commune.setdefault(row[0], {})[position] = row
            for group in by_commune.values():
                try:
                    self._fill(engine, hh.profile, group, out)
                except DomainError:
                    continue
        return out

    @staticmethod
    def _fill(engine, profile, rows: dict, out: np.ndarray) -> None:
        if not rows:
            return
        values = engine.residual_rents(profile=profile, offers=list(rows.values()))
        out[np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))] = values


class MatrixResidualRent:
    """Exact residual rents of many households against the same offers, computed together.

    For the allocation plan (and the weights preview, which shows plans): ``engine.residual_rent_matrix``
    simulates every household once per kind of dwelling, then every distinct offer rent, all households
    in the same openfisca runs. The values equal ``EngineResidualRent``'s (tested). Asked about a
    household or a table it was not built for, it falls back to ``EngineResidualRent``.
    """

    def __init__(self, contexts: list[HouseholdContext], table: OfferTable):
        from relogement.benefits import engine

        profiles = []
        for hh in contexts:
            if hh.profile is None and hh.household is not None:
                try:
                    hh.profile = engine.profile_for_household(hh.household)
                except DomainError:
                    hh.profile = None
            profiles.append(hh.profile)
        self.table = table
        self.rows = {hh.pk: row for row, hh in enumerate(contexts)}
        self.matrix = np.full((len(contexts), len(table)), np.nan)
        columns = [i for i, code in enumerate(table.insee_code.tolist()) if code]
        offers = [
            (
                table.insee_code[i],
                Decimal(f"{table.rent[i]:.2f}"),
                Decimal(f"{table.charges[i]:.2f}"),
                table.stock[i],
            )
            for i in columns
        ]
        # The table read each commune's zone with the offers (0: unknown, openfisca derives it).
        zones = {table.insee_code[i]: int(table.zone[i]) or None for i in columns}
        try:
            self.matrix[:, columns] = engine.residual_rent_matrix(
                profiles=profiles, offers=offers, zones=zones
            )
        except DomainError:
            # A commune the engine does not know: only its offers stay unknown.
            by_commune: dict[str, list[int]] = {}
            for position, offer in enumerate(offers):
                by_commune.setdefault(offer[0], []).append(position)
            for positions in by_commune.values():
                try:
                    values = engine.residual_rent_matrix(
                        profiles=profiles, offers=[offers[p] for p in positions]
                    )
                except DomainError:
                    continue
                self.matrix[:, [columns[p] for p in positions]] = values

    def __call__(self, hh: HouseholdContext, offers: OfferTable, indices: np.ndarray) -> np.ndarray:
        row = self.rows.get(hh.pk)
        if row is None or not (offers is self.table or np.array_equal(offers.pk, self.table.pk)):
            return EngineResidualRent()(hh, offers, indices)
        return self.matrix[row, indices]


def attach_profiles(contexts: list[HouseholdContext], households_qs) -> None:
    """Give each context built from plain values (``context.household_contexts(households_qs)``) its
    benefit profile.

    The offer → households page scores one offer against thousands of households without model
    instances; the engine needs each household's members and resource lines. They are read here in
    three queries whatever the number (households with the few columns the profile reads, members,
    resource lines); a household the rules refuse keeps no profile (its residual rent is unknown).
    """
    from relogement.benefits import engine

    if all(hh.profile is not None for hh in contexts):
        return
    households = {
        h.pk: h
        for h in households_qs.only("pk", "adults_count", "children_count", "monthly_resources")
        .prefetch_related("members", "resources")
        .order_by()
    }
    for hh in contexts:
        household = households.get(hh.pk)
        if hh.profile is not None or household is None:
            continue
        try:
            hh.profile = engine.profile_for_household(household)
        except DomainError:
            hh.profile = None


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
    return hasattr(engine, "compute_for_offers") and hasattr(engine, "profile_for_household")


def default_provider() -> tuple[ResidualRentProvider, bool]:
    """(provider, exact): the benefits engine when it is installed, the estimate otherwise."""
    if engine_available():
        return EngineResidualRent(), True
    return estimated_residual_rent, False
