"""The household's stated wishes on the dwelling itself: type (T1…T6), house or flat, new or old."""

import numpy as np

from relogement.matching.criteria.base import NEW_HOUSING_YEARS, Assessment, Criterion, none_excluded
from relogement.matching.registry import register


def is_new(offers, today) -> np.ndarray:
    """New or conventioned less than five years ago (ANRU objective); unknown date counts as old."""
    try:
        limit = today.replace(year=today.year - NEW_HOUSING_YEARS).toordinal()
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - NEW_HOUSING_YEARS, day=28).toordinal()
    with np.errstate(invalid="ignore"):
        return offers.commissioning >= limit


@register
class HousingWishes(Criterion):
    id = "housing_wishes"
    label = "Souhaits sur le logement"
    default_weight = 2.0
    order = 30
    rule = (
        "Moyenne des souhaits exprimés : typologie souhaitée (1, voisine 0,5, sinon 0), maison ou "
        "appartement, neuf ou ancien ; 1 sans souhait."
    )

    def _parts(self, hh, offers) -> list[np.ndarray]:
        parts = []
        if hh.wish_rooms:
            # Score per number of rooms (T1…T6), then one lookup per offer.
            lookup = np.zeros(8)
            for rooms in range(8):
                distance = min(abs(rooms - wished) for wished in hh.wish_rooms)
                lookup[rooms] = 1.0 if distance == 0 else 0.5 if distance == 1 else 0.0
            parts.append(lookup[np.clip(offers.rooms, 0, 7)])
        if hh.housing_kind:
            parts.append((offers.is_house == (hh.housing_kind == "maison")).astype(float))
        if hh.age:
            new = is_new(offers, hh.today)
            parts.append((new if hh.age == "neuf" else ~new).astype(float))
        return parts

    def assess(self, hh, offers, rac) -> Assessment:
        parts = self._parts(hh, offers)
        score = sum(parts) / len(parts) if parts else np.ones(len(offers))
        return Assessment(excluded=none_excluded(len(offers)), score=score)

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        bits = []
        rooms = int(offers.rooms[i])
        if hh.wish_rooms:
            wished = ", ".join(f"T{n}" for n in sorted(hh.wish_rooms))
            verb = "correspond à" if rooms in hh.wish_rooms else "ne correspond pas à"
            bits.append(f"T{rooms} {verb} la typologie souhaitée ({wished})")
        if hh.housing_kind:
            kind = "maison" if offers.is_house[i] else "appartement"
            ok = (kind == "maison") == (hh.housing_kind == "maison")
            bits.append(f"{kind} ({'conforme' if ok else 'contraire'} au souhait : {hh.housing_kind})")
        if hh.age:
            new = bool(is_new(offers, hh.today)[i])
            ok = new == (hh.age == "neuf")
            bits.append(
                f"logement {'neuf ou récent' if new else 'ancien'} "
                f"({'conforme' if ok else 'contraire'} au souhait : {hh.age})"
            )
        if not bits:
            return "Aucun souhait de typologie, de type ou d'ancienneté exprimé."
        text = " ; ".join(bits)
        return text[0].upper() + text[1:] + "."
