"""Dwelling size against the composition: overcrowding (hard) and under-occupation (soft or hard).

DOMAIN.md §3: overcrowding (housing-benefit decency norm) is a living area below 9 m² for one person,
16 m² for two, plus 9 m² per additional person, up to 70 m² for eight or more; under-occupation
(CCH L.621-2) is more main rooms than occupants + 1.
"""

import numpy as np
from django.db.models import F, Q

from relogement.matching.criteria.base import (
    Assessment,
    Criterion,
    HouseholdContext,
    OfferTable,
    fmt_m2,
    none_excluded,
    ones,
)
from relogement.matching.registry import register

# From eight persons on, the overcrowding norm stays at 70 m².
MAX_NORM_PERSONS = 8


def minimum_area(persons: int) -> float:
    """Minimum living area (m²) below which a dwelling is overcrowded for ``persons`` occupants."""
    if persons <= 1:
        return 9.0
    return float(min(16 + 9 * (persons - 2), 70))


def _persons(n: int) -> str:
    return f"{n} personne{'s' if n > 1 else ''}"


@register
class Overcrowding(Criterion):
    id = "overcrowding"
    label = "Surpeuplement"
    hard = True
    scored = False
    default_weight = 0.0
    order = 10
    rule = "Exclut une surface habitable inférieure à 9 m² (1 personne), 16 m² (2), +9 m² par personne, 70 m² dès 8."

    def assess(self, hh: HouseholdContext, offers: OfferTable, rac: np.ndarray) -> Assessment:
        return Assessment(excluded=offers.living_area < minimum_area(hh.persons), score=ones(len(offers)))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        area, minimum = offers.living_area[i], minimum_area(hh.persons)
        if excluded:
            return (
                f"Surface de {fmt_m2(area)} inférieure au minimum de {fmt_m2(minimum)} pour "
                f"{_persons(hh.persons)} : logement surpeuplé."
            )
        return (
            f"Surface de {fmt_m2(area)} suffisante pour {_persons(hh.persons)} (minimum {fmt_m2(minimum)})."
        )

    def prefilter(self, hh: HouseholdContext):
        return Q(living_area__gte=minimum_area(hh.persons))

    def household_prefilter(self, offers: OfferTable, i: int = 0):
        area = float(offers.living_area[i])
        if area >= minimum_area(MAX_NORM_PERSONS):
            return None
        if area < minimum_area(1):
            return Q(pk__in=[])
        # The most persons the area holds (the norm grows with the number of persons).
        most = max(p for p in range(1, MAX_NORM_PERSONS) if minimum_area(p) <= area)
        return Q(adults_count__lte=most - F("children_count"))


@register
class UnderOccupation(Criterion):
    id = "under_occupation"
    label = "Sous-occupation"
    hard = False  # the project may make it blocking (option ``under_occupation_hard``)
    default_weight = 1.0
    order = 20
    rule = "Plus de pièces principales que d'occupants + 1 : score nul, ou exclusion si le projet le décide."

    def is_hard_for(self, hh: HouseholdContext) -> bool:
        return hh.under_occupation_hard

    def assess(self, hh, offers, rac) -> Assessment:
        over = offers.rooms > hh.persons + 1
        excluded = over if hh.under_occupation_hard else none_excluded(len(offers))
        return Assessment(excluded=excluded, score=np.where(over, 0.0, 1.0))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        rooms, limit = int(offers.rooms[i]), hh.persons + 1
        if rooms > limit:
            suffix = " : exclu par le réglage du projet." if excluded else "."
            return (
                f"{rooms} pièces principales pour {_persons(hh.persons)} : sous-occupation "
                f"(plus de {limit} pièces){suffix}"
            )
        return f"{rooms} pièce{'s' if rooms > 1 else ''} principale{'s' if rooms > 1 else ''} pour {_persons(hh.persons)} : pas de sous-occupation."

    def prefilter(self, hh: HouseholdContext):
        if not hh.under_occupation_hard:
            return None
        allowed = [f"T{n}" for n in range(1, 7) if n <= hh.persons + 1]
        return Q(dwelling_type__in=allowed)
