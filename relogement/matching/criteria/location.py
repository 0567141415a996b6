"""Location against the household's ranked wishes (communes)."""

import numpy as np

from relogement.matching.criteria.base import Assessment, Criterion, none_excluded
from relogement.matching.registry import register


@register
class Location(Criterion):
    id = "location"
    label = "Localisation souhaitée"
    default_weight = 3.0
    order = 40
    rule = "Commune souhaitée au rang k sur n : 1 − (k − 1)/n ; hors souhaits : 0 ; sans souhait : 0,5."

    def assess(self, hh, offers, rac) -> Assessment:
        n = len(offers)
        if not hh.wish_communes:
            return Assessment(excluded=none_excluded(n), score=np.full(n, 0.5))
        score = np.zeros(n)
        count = len(hh.wish_communes)
        # Lower ranks first so that a commune listed twice keeps its best rank.
        for rank, commune_id in reversed(list(enumerate(hh.wish_communes))):
            score[offers.commune_id == commune_id] = 1.0 - rank / count
        return Assessment(excluded=none_excluded(n), score=score)

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        name = offers.commune_name[i] or "Commune"
        if not hh.wish_communes:
            return f"{name} : aucun souhait de localisation exprimé."
        commune_id = int(offers.commune_id[i])
        if commune_id in hh.wish_communes:
            rank = hh.wish_communes.index(commune_id) + 1
            return f"{name} : souhait n°{rank} sur {len(hh.wish_communes)}."
        wished = ", ".join(hh.wish_commune_names)
        return f"{name} ne fait pas partie des communes souhaitées ({wished})."
