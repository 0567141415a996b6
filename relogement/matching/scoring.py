"""Score every candidate offer for one household, and explain one offer criterion by criterion.

Total suitability = Σ weight × score / Σ weight over the scored criteria (in [0, 1]); an offer excluded
by any hard criterion is not suggested. Residual rents are only computed for the offers that passed the
other hard criteria (they are the expensive part).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relogement.matching import registry
from relogement.matching.criteria.base import HouseholdContext, OfferTable, Verdict
from relogement.matching.residual_rent import ResidualRentProvider


@dataclass
class Scores:
    excluded: np.ndarray  # bool per offer
    total: np.ndarray  # suitability in [0, 1] per offer (also computed for excluded offers)
    rac: np.ndarray  # residual rent per offer (nan when not computed)
    excluded_by: dict[str, np.ndarray]  # criterion id -> bool array


def score_offers(
    hh: HouseholdContext,
    offers: OfferTable,
    *,
    weights: dict[str, float],
    rac_provider: ResidualRentProvider,
    criteria=None,
) -> Scores:
    criteria = criteria if criteria is not None else registry.all_criteria()
    n = len(offers)
    excluded = np.zeros(n, dtype=bool)
    excluded_by: dict[str, np.ndarray] = {}
    weighted = np.zeros(n)
    weight_sum = 0.0
    rac = np.full(n, np.nan)

    def apply(criterion):
        nonlocal excluded, weighted, weight_sum
        result = criterion.assess(hh, offers, rac)
        excluded_by[criterion.id] = result.excluded
        excluded = excluded | result.excluded
        if criterion.scored:
            weight = float(weights.get(criterion.id, criterion.default_weight))
            if weight > 0:
                weighted = weighted + weight * result.score
                weight_sum += weight

    later = [c for c in criteria if c.needs_residual_rent]
    for criterion in criteria:
        if not criterion.needs_residual_rent:
            apply(criterion)
    if later:
        survivors = np.nonzero(~excluded)[0]
        if len(survivors):
            rac[survivors] = rac_provider(hh, offers, survivors)
        for criterion in later:
            apply(criterion)
    total = weighted / weight_sum if weight_sum > 0 else np.ones(n)
    return Scores(excluded=excluded, total=total, rac=rac, excluded_by=excluded_by)


def explain_offer(
    hh: HouseholdContext,
    offers: OfferTable,
    i: int,
    *,
    weights: dict[str, float],
    rac_provider: ResidualRentProvider,
    criteria=None,
) -> list[Verdict]:
    """Every criterion's verdict on offer ``i``: the answer to "why (not) this offer?"."""
    criteria = criteria if criteria is not None else registry.all_criteria()
    rac = (
        float(rac_provider(hh, offers, np.array([i]))[0])
        if any(c.needs_residual_rent for c in criteria)
        else np.nan
    )
    return [
        c.evaluate(
            hh, offers, i, rac=rac, weight=float(weights.get(c.id, c.default_weight)) if c.scored else 0.0
        )
        for c in criteria
    ]


def total_of(verdicts: list[Verdict]) -> float:
    weight_sum = sum(v.weight for v in verdicts if v.scored and v.weight > 0)
    if not weight_sum:
        return 1.0
    return sum(v.weight * v.score for v in verdicts if v.scored and v.weight > 0) / weight_sum
