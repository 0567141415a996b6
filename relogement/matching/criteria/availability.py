"""Availability against the planned demolition of the household's building.

Decision (docs/matching.md): an offer available only after the planned demolition date is excluded
(hard): it cannot free the building on time, and moving the household twice (temporary rehousing) is a
decision of its own, not a matching suggestion. Among the others, the sooner the better (soft).
"""

import datetime as dt

import numpy as np
from django.db.models import Q

from relogement.matching.criteria.base import Assessment, Criterion, fmt_date
from relogement.matching.registry import register

DEFAULT_HORIZON_DAYS = 365


@register
class Availability(Criterion):
    id = "availability"
    label = "Disponibilité avant la démolition"
    hard = True
    default_weight = 1.0
    order = 60
    rule = (
        "Exclut une offre disponible après la date de démolition prévue ; sinon 1 si disponible "
        "aujourd'hui, décroissant jusqu'à 0 à la date de démolition (ou à un an sans date)."
    )

    def _horizon(self, hh) -> float:
        if hh.demolition_date and hh.demolition_date > hh.today:
            return float((hh.demolition_date - hh.today).days)
        return float(DEFAULT_HORIZON_DAYS)

    def assess(self, hh, offers, rac) -> Assessment:
        today = hh.today.toordinal()
        delay = np.maximum(offers.available_from - today, 0.0)
        excluded = np.zeros(len(offers), dtype=bool)
        if hh.demolition_date:
            excluded = offers.available_from > hh.demolition_date.toordinal()
        score = np.clip(1.0 - delay / self._horizon(hh), 0.0, 1.0)
        return Assessment(excluded=excluded, score=score)

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        available = offers.available_from[i]
        when = "dès maintenant" if available <= hh.today.toordinal() else f"le {fmt_date(available)}"
        if not hh.demolition_date:
            return f"Disponible {when} (pas de date de démolition prévue pour le bâtiment)."
        demolition = fmt_date(float(hh.demolition_date.toordinal()))
        if excluded:
            return f"Disponible {when}, après la démolition prévue le {demolition}."
        return f"Disponible {when}, avant la démolition prévue le {demolition}."

    def prefilter(self, hh):
        return Q(available_from__lte=hh.demolition_date) if hh.demolition_date else None

    def household_prefilter(self, offers, i=0):
        available = dt.date.fromordinal(int(offers.available_from[i]))
        return Q(building__planned_demolition_date__isnull=True) | Q(
            building__planned_demolition_date__gte=available
        )
