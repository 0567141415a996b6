"""Accessibility (reduced mobility) and floor/lift needs: both hard."""

import numpy as np
from django.db.models import Q

from relogement.matching.criteria.base import Assessment, Criterion, none_excluded, ones
from relogement.matching.registry import register


@register
class Accessibility(Criterion):
    id = "accessibility"
    label = "Accessibilité PMR"
    hard = True
    scored = False
    default_weight = 0.0
    order = 1
    rule = "Un ménage à mobilité réduite n'est proposé que sur un logement accessible PMR."

    def assess(self, hh, offers, rac) -> Assessment:
        n = len(offers)
        excluded = ~offers.accessible if hh.reduced_mobility else none_excluded(n)
        return Assessment(excluded=excluded, score=ones(n))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        if not hh.reduced_mobility:
            return "Pas de besoin d'accessibilité PMR."
        if excluded:
            return "Logement non accessible PMR alors que le ménage est à mobilité réduite."
        return "Logement accessible PMR, conforme au besoin du ménage."

    def prefilter(self, hh):
        return Q(accessible=True) if hh.reduced_mobility else None

    def household_prefilter(self, offers, i=0):
        return None if offers.accessible[i] else Q(reduced_mobility=False)


@register
class FloorAndLift(Criterion):
    id = "floor_lift"
    label = "Étage et ascenseur"
    hard = True
    scored = False
    default_weight = 0.0
    order = 2
    rule = (
        "Rez-de-chaussée ou ascenseur exigé si le ménage en a besoin ; étage au plus égal à l'étage "
        "maximal souhaité."
    )

    def _needs_lift(self, hh) -> bool:
        return hh.needs_ground_floor_or_lift or hh.needs_lift

    def assess(self, hh, offers, rac) -> Assessment:
        n = len(offers)
        excluded = np.zeros(n, dtype=bool)
        if self._needs_lift(hh):
            excluded |= (offers.floor > 0) & ~offers.has_lift
        if hh.max_floor is not None:
            excluded |= offers.floor > hh.max_floor
        return Assessment(excluded=excluded, score=ones(n))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        floor, lift = int(offers.floor[i]), bool(offers.has_lift[i])
        where = "rez-de-chaussée" if floor == 0 else f"{floor}ᵉ étage {'avec' if lift else 'sans'} ascenseur"
        problems = []
        if self._needs_lift(hh) and floor > 0 and not lift:
            problems.append("le ménage a besoin d'un rez-de-chaussée ou d'un ascenseur")
        if hh.max_floor is not None and floor > hh.max_floor:
            problems.append(f"au-dessus de l'étage maximal souhaité ({hh.max_floor})")
        if problems:
            return f"{where[0].upper()}{where[1:]} : " + " ; ".join(problems) + "."
        if not self._needs_lift(hh) and hh.max_floor is None:
            return f"{where[0].upper()}{where[1:]} : pas de contrainte d'étage."
        return f"{where[0].upper()}{where[1:]} : conforme aux besoins d'étage du ménage."

    def prefilter(self, hh):
        q = Q()
        if self._needs_lift(hh):
            q &= Q(floor__lte=0) | Q(has_lift=True)
        if hh.max_floor is not None:
            q &= Q(floor__lte=hh.max_floor)
        return q if q else None

    def household_prefilter(self, offers, i=0):
        floor = int(offers.floor[i])
        q = Q(wishes__max_floor__isnull=True) | Q(wishes__max_floor__gte=floor)
        if floor > 0 and not offers.has_lift[i]:
            q &= Q(needs_ground_floor_or_lift=False) & (Q(wishes__isnull=True) | Q(wishes__needs_lift=False))
        return q
