"""Possible duplicate households: which stored files may be the same household, with a score and reasons.

Three rules, each narrowed by SQL before anything is compared in Python (docs/household-file.md
§ Duplicates explains the scoring):

- **same SNE number** (the national social-housing application number, compared without spaces,
  dots or dashes and in upper case);
- **close names and the same date of birth**: a member of the other household born the same day
  whose folded name (accents, case and punctuation removed) is close (rapidfuzz ``token_sort_ratio``,
  so "Dupont Jean" and "Jean Dupond" compare as the same words);
- **same origin dwelling** (a split household legitimately shares it with the one it left: not counted).

Each rule gives a probability-like weight; weights combine as independent evidence
(``1 - Π(1 - wᵢ)``), so a second rule raises the score without ever passing 100.

Only households the viewer may see are searched (``Household.objects.visible_to``): a duplicate
outside the perimeter is never revealed, not even by its score.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from relogement.households.models import Household, HouseholdMember
from relogement.households.sne import SNE_SEPARATORS, sne_key  # noqa: F401 (compared here and in selectors)

if TYPE_CHECKING:
    from relogement.accounts.models import User

# Weights of the rules (0–1), see docs/household-file.md § Duplicates.
SNE_WEIGHT = 0.90
DWELLING_WEIGHT = 0.40
# Names at or above this similarity (0–100) with the same date of birth count as the same person.
NAME_THRESHOLD = 85
# Reference names (import, no birth date there) must be closer: they are only one clue.
REFERENCE_NAME_THRESHOLD = 90
# Groups larger than this (one SNE number, one dwelling, one birth date on many files) are data-entry
# placeholders, not duplicates: comparing them would flood the page with meaningless pairs.
MAX_GROUP = 50

REASON_SNE = "même numéro SNE"
REASON_DWELLING = "même logement d'origine"


_SEPARATORS = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """A name as compared: accents removed (NFKD, combining marks dropped), case folded, anything but
    letters and digits turned into single spaces. "Hélène  D'ÉTIENNE" → "helene d etienne".
    Cached: the same surnames recur across a perimeter's members."""
    text = text or ""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_SEPARATORS.sub(" ", text.casefold()).split())


def normalise_sne(value: str) -> str:
    """An SNE number as compared: upper case, without the separators people type (spaces, dashes,
    dots, slashes), exactly as ``sne_key`` does in SQL."""
    value = (value or "").strip().upper()
    for separator in SNE_SEPARATORS:
        value = value.replace(separator, "")
    return value


def name_similarity(a: str, b: str) -> int:
    """0–100: how close two folded full names are, word order ignored."""
    if not a or not b:
        return 0
    return round(fuzz.token_sort_ratio(a, b))


def name_weight(similarity: int) -> float:
    """Close names with the same date of birth: 0.80 at the threshold, 0.95 for identical names."""
    return 0.80 + 0.15 * (similarity - NAME_THRESHOLD) / (100 - NAME_THRESHOLD)


def name_reason(similarity: int) -> str:
    if similarity >= 100:
        return "même nom et même date de naissance d'un membre"
    return f"nom proche ({similarity} %) et même date de naissance d'un membre"


def combine(weights: Iterable[float]) -> int:
    """Independent evidence: 1 - Π(1 - w), as a whole percentage."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return round(100 * (1.0 - remaining))


@dataclass
class Evidence:
    """What the rules found between two households: the best weight per rule, and its reason."""

    found: dict[str, tuple[float, str]] = field(default_factory=dict)

    def add(self, rule: str, weight: float, reason: str) -> None:
        if weight > self.found.get(rule, (0.0, ""))[0]:
            self.found[rule] = (weight, reason)

    @property
    def score(self) -> int:
        return combine(weight for weight, _ in self.found.values())

    @property
    def reasons(self) -> tuple[str, ...]:
        ordered = sorted(self.found.values(), key=lambda item: -item[0])
        return tuple(reason for _, reason in ordered)


@dataclass(frozen=True)
class DuplicateCandidate:
    household: Household
    score: int  # 0-100
    reasons: tuple[str, ...]  # French, e.g. "même numéro SNE"


def _member_key(last_name: str, first_name: str) -> str:
    return fold(f"{last_name} {first_name}")


def find_possible_duplicates(
    *,
    viewer: User,
    sne_number: str = "",
    members=(),
    origin_dwelling_id: int | None = None,
    exclude_household_id: int | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """The stored households, among those ``viewer`` may see, that may be the household described,
    best score first.

    ``members``: (last_name, first_name, birth_date or None) of the household being recorded.
    ``exclude_household_id``: the household itself when it is already stored; pairs with it on which a
    decision is in force (not a duplicate, or linked) are not proposed again.
    """
    visible = Household.objects.visible_to(viewer)
    if exclude_household_id is not None:
        visible = visible.exclude(pk=exclude_household_id)
    evidence: dict[int, Evidence] = defaultdict(Evidence)

    key = normalise_sne(sne_number)
    if key:
        same_sne = visible.annotate(sne_key=sne_key()).filter(sne_key=key)
        for pk in same_sne.values_list("pk", flat=True)[:MAX_GROUP]:
            evidence[pk].add("sne", SNE_WEIGHT, REASON_SNE)

    wanted: dict[dt.date, list[str]] = defaultdict(list)
    for last_name, first_name, birth_date in members:
        name = _member_key(last_name, first_name)
        if birth_date is not None and name:
            wanted[birth_date].append(name)
    if wanted:
        born_same_day = HouseholdMember.objects.filter(
            household_id__in=visible.values("pk"), birth_date__in=list(wanted)
        ).values_list("household_id", "last_name", "first_name", "birth_date")
        for household_id, last_name, first_name, birth_date in born_same_day:
            stored = _member_key(last_name, first_name)
            for name in wanted[birth_date]:
                similarity = name_similarity(name, stored)
                if similarity >= NAME_THRESHOLD:
                    evidence[household_id].add("name", name_weight(similarity), name_reason(similarity))

    if origin_dwelling_id is not None:
        same_dwelling = visible.filter(origin_dwelling_id=origin_dwelling_id)
        if exclude_household_id is not None:
            # A split household shares its parent's dwelling by design.
            same_dwelling = same_dwelling.exclude(split_from_id=exclude_household_id)
            # Its parent too: a subquery, not one more query.
            parent = Household.objects.filter(pk=exclude_household_id, split_from__isnull=False)
            same_dwelling = same_dwelling.exclude(pk__in=parent.values("split_from_id"))
        for pk in same_dwelling.values_list("pk", flat=True)[:MAX_GROUP]:
            evidence[pk].add("dwelling", DWELLING_WEIGHT, REASON_DWELLING)

    if not evidence:
        return []
    if exclude_household_id is not None:
        from relogement.duplicates.models import DuplicateDecision

        for decision in DuplicateDecision.objects.active().involving(exclude_household_id):
            evidence.pop(decision.other(exclude_household_id), None)
    ranked = sorted(evidence.items(), key=lambda item: (-item[1].score, item[0]))[:limit]
    households = visible.select_related("project", "building").in_bulk([pk for pk, _ in ranked])
    return [
        DuplicateCandidate(household=households[pk], score=found.score, reasons=found.reasons)
        for pk, found in ranked
        if pk in households
    ]
