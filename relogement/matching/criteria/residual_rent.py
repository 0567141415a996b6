"""Residual rent (reste à charge) and effort rate against the before-situation and the stated maximum.

The residual rent of each offer comes from the benefits engine (``relogement.matching.residual_rent``).
"""

import numpy as np

from relogement.matching.criteria.base import Assessment, Criterion, format_euros, format_percent
from relogement.matching.registry import register

# Effort rate: full score up to 20 %, none from 35 % (linear in between).
EFFORT_GOOD = 0.20
EFFORT_BAD = 0.35
# Increase over the residual rent before: none at +50 % (at least 50 €).
INCREASE_TOLERANCE = 0.5
INCREASE_FLOOR = 50.0


@register
class ResidualRent(Criterion):
    id = "residual_rent"
    label = "Reste à charge et taux d'effort"
    hard = True
    default_weight = 3.0
    needs_residual_rent = True
    sensitive = True
    order = 50
    rule = (
        "Exclut un reste à charge au-dessus du maximum indiqué par le ménage ; sinon moyenne de : "
        "hausse par rapport au reste à charge avant (0 à +50 %), taux d'effort (1 jusqu'à 20 %, 0 dès 35 %)."
    )

    def assess(self, hh, offers, rac) -> Assessment:
        n = len(offers)
        known = ~np.isnan(rac)
        excluded = np.zeros(n, dtype=bool)
        if hh.max_residual_rent is not None:
            excluded = known & (rac > hh.max_residual_rent + 0.005)
        parts = []
        if hh.rac_before is not None:
            tolerance = max(INCREASE_TOLERANCE * hh.rac_before, INCREASE_FLOOR)
            parts.append(np.clip(1.0 - np.maximum(rac - hh.rac_before, 0.0) / tolerance, 0.0, 1.0))
        if hh.monthly_resources:
            effort = rac / hh.monthly_resources
            parts.append(np.clip((EFFORT_BAD - effort) / (EFFORT_BAD - EFFORT_GOOD), 0.0, 1.0))
        score = np.mean(parts, axis=0) if parts else np.full(n, 0.5)
        score = np.where(known, score, 0.5)
        return Assessment(excluded=excluded, score=score)

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        if rac != rac:  # nan
            return "Reste à charge non calculé (ressources ou zone inconnues) : score neutre."
        text = f"Reste à charge estimé {format_euros(rac)}"
        if hh.rac_before is not None:
            text += f" (avant : {format_euros(hh.rac_before)})"
        if hh.monthly_resources:
            text += f", taux d'effort {format_percent(rac / hh.monthly_resources)}"
        if excluded:
            text += f" : au-dessus du maximum indiqué par le ménage ({format_euros(hh.max_residual_rent)})"
        elif hh.max_residual_rent is not None:
            text += f", dans le maximum indiqué ({format_euros(hh.max_residual_rent)})"
        return text + "."
