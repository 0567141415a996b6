"""Enough main rooms for the household (soft): the overcrowding norm is about area only, so a T2 of
49 m² passes it for five persons; this criterion ranks it down.

Local heuristic, not a legal norm (to be tuned with the project office through its weight): at least
occupants − 1 main rooms (one room for a single person), capped at five.
"""

import numpy as np

from relogement.matching.criteria.base import Assessment, Criterion, none_excluded
from relogement.matching.registry import register

MAX_NEEDED_ROOMS = 5


def needed_rooms(persons: int) -> int:
    return min(max(persons - 1, 1), MAX_NEEDED_ROOMS)


@register
class RoomsFit(Criterion):
    id = "rooms_fit"
    label = "Nombre de pièces"
    default_weight = 2.0
    order = 25
    rule = "Au moins occupants − 1 pièces principales (1 pour une personne, 5 au plus) : 1 ; −0,5 par pièce manquante."

    def assess(self, hh, offers, rac) -> Assessment:
        missing = np.maximum(needed_rooms(hh.persons) - offers.rooms, 0)
        return Assessment(excluded=none_excluded(len(offers)), score=np.clip(1.0 - 0.5 * missing, 0.0, 1.0))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        rooms, needed = int(offers.rooms[i]), needed_rooms(hh.persons)
        persons = f"{hh.persons} personne{'s' if hh.persons > 1 else ''}"
        if rooms >= needed:
            return f"{rooms} pièce{'s' if rooms > 1 else ''} principale{'s' if rooms > 1 else ''} pour {persons} : suffisant (au moins {needed})."
        missing = needed - rooms
        return f"{rooms} pièce{'s' if rooms > 1 else ''} principale{'s' if rooms > 1 else ''} pour {persons} : {missing} de moins que les {needed} attendues."
