"""The project's ANRU objectives: rehousing in new or < 5-year housing, and outside QPV (social mix)."""

from relogement.matching.criteria.base import Assessment, Criterion, none_excluded
from relogement.matching.criteria.wishes import is_new
from relogement.matching.registry import register


@register
class ProjectObjectives(Criterion):
    id = "anru_objectives"
    label = "Objectifs du projet (neuf, hors QPV)"
    default_weight = 1.0
    order = 70
    rule = "0,5 si logement neuf ou conventionné depuis moins de 5 ans, + 0,5 si hors QPV."

    def assess(self, hh, offers, rac) -> Assessment:
        score = 0.5 * is_new(offers, hh.today) + 0.5 * ~offers.in_qpv
        return Assessment(excluded=none_excluded(len(offers)), score=score.astype(float))

    def explain(self, hh, offers, i, rac, excluded, score) -> str:
        new = bool(is_new(offers, hh.today)[i])
        age = "Logement neuf ou conventionné depuis moins de 5 ans" if new else "Logement de plus de 5 ans"
        qpv = "en QPV" if offers.in_qpv[i] else "hors QPV"
        return f"{age}, {qpv}."
