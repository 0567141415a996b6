"""Finding households that may be the one being recorded (census, import).

Minimal implementation: the same SNE number (normalised: no spaces, upper case) among the households
the viewer may see. The full detector (close names after accent/case folding with a member's birth
date, same origin dwelling, scores) replaces this module with the same interface.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Value
from django.db.models.functions import Replace, Upper

if TYPE_CHECKING:
    import datetime as dt

    from relogement.households.models import Household

SAME_SNE_SCORE = 100


@dataclass(frozen=True)
class DuplicateCandidate:
    household: Household
    score: int  # 0-100
    reasons: tuple[str, ...]  # French, e.g. "même numéro SNE"


def _normalised_sne(value: str) -> str:
    return "".join((value or "").split()).upper()


def find_possible_duplicates(
    *,
    viewer,
    sne_number: str = "",
    members: Iterable[tuple[str, str, dt.date | None]] = (),
    origin_dwelling_id: int | None = None,
    exclude_household_id: int | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Households visible to ``viewer`` that may be the same household, best first.

    ``members``: (last name, first name, birth date or None) of the household being recorded.
    Only households within the viewer's scope are searched: a duplicate the user cannot open is not
    revealed (not even its existence)."""
    from relogement.households.models import Household

    sne = _normalised_sne(sne_number)
    if not sne:
        return []
    households = Household.objects.visible_to(viewer).filter(anonymised_on__isnull=True)
    if exclude_household_id is not None:
        households = households.exclude(pk=exclude_household_id)
    # Numbers stored before the census normalised them may carry spaces: compared without (in SQL,
    # so that the search stays one query whatever the number of households).
    plain = Replace(Upper("sne_number"), Value(" "), Value(""))
    matches = (
        households.exclude(sne_number="")
        .annotate(sne_plain=plain)
        .filter(sne_plain=sne)
        .select_related("building")
        .order_by("pk")[:limit]
    )
    return [
        DuplicateCandidate(household=household, score=SAME_SNE_SCORE, reasons=("même numéro SNE",))
        for household in matches
    ]
