"""Possible duplicates among the households an exchange file creates: against the stored households of
the same building, and against the other new rows of the same building in the file.

The exchange format carries neither SNE number nor members nor origin dwelling (docs/exchange-format.md):
what it has is the reference person's name and age, and the building. So the clue here is a close
reference name (folded, rapidfuzz ``token_sort_ratio`` ≥ ``REFERENCE_NAME_THRESHOLD``) in the same
building, strengthened by the same reference age (± 1 year). These are warnings: the import goes on.

Performance: the file's new rows are grouped by building; the stored households are read building by
building in batches (one query per ``BATCH`` buildings, plain tuples), and names are compared with
rapidfuzz's ``cdist`` (C, one matrix per building): a 100,000-row file costs a few hundred queries and
never holds more than one batch of stored names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from relogement.duplicates.detection import REFERENCE_NAME_THRESHOLD, combine, fold
from relogement.households.models import Household

BATCH = 500
CHUNK = 1000
AGE_WEIGHT = 0.50


@dataclass(frozen=True, slots=True)
class NewRow:
    """One household row of the file that creates a household."""

    number: int  # row number in the sheet
    building_key: tuple  # (project pk, building reference): also for buildings the import creates
    building_pk: int | None  # the stored building, if any
    reference_name: str
    reference_age: int | None


@dataclass(frozen=True, slots=True)
class ImportDuplicate:
    number: int  # the new row
    score: int
    reasons: tuple[str, ...]
    stored_reference: str = ""  # a stored household's reference, or
    other_row: int | None = None  # another row of the file

    @property
    def message(self) -> str:
        what = (
            f"du ménage « {self.stored_reference} » déjà enregistré"
            if self.stored_reference
            else f"du ménage de la ligne {self.other_row} du fichier"
        )
        return f"doublon possible (score {self.score}/100) {what} : {' ; '.join(self.reasons)} — à vérifier, l'import n'est pas bloqué"


# Words of a reference name that say nothing about who it is ("Famille Martin", "Mme Martin").
TITLES = frozenset(
    {
        "famille",
        "fam",
        "m",
        "mr",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "mademoiselle",
        "epouse",
        "ep",
        "veuve",
        "vve",
        "et",
    }
)


def fold_reference(name: str) -> str:
    return " ".join(word for word in fold(name).split() if word not in TITLES)


def _name_weight(similarity: float) -> float:
    """0.50 at the threshold, 0.60 for identical names: a name alone is a weak clue."""
    return 0.50 + 0.10 * (similarity - REFERENCE_NAME_THRESHOLD) / (100 - REFERENCE_NAME_THRESHOLD)


def _evidence(similarity: float, age, other_age) -> tuple[int, tuple[str, ...]]:
    weights = [_name_weight(similarity)]
    reasons = [
        "même nom du référent dans le même bâtiment"
        if similarity >= 100
        else f"nom du référent proche ({round(similarity)} %) dans le même bâtiment"
    ]
    if age is not None and other_age is not None and abs(age - other_age) <= 1:
        weights.append(AGE_WEIGHT)
        reasons.append("même âge du référent")
    return combine(weights), tuple(reasons)


def _matches(names_a: list[str], names_b: list[str], *, same: bool) -> Iterator[tuple[int, int, float]]:
    """(i, j, similarity) of the close names; ``same``: both lists are one, each pair once. Rows of
    ``names_a`` are compared ``CHUNK`` at a time: the matrix stays small even for one huge building."""
    for start in range(0, len(names_a), CHUNK):
        block = names_a[start : start + CHUNK]
        if not block or not names_b:
            return
        matrix = cdist(block, names_b, scorer=fuzz.token_sort_ratio, score_cutoff=REFERENCE_NAME_THRESHOLD)
        for i, j in zip(*matrix.nonzero(), strict=True):
            i = int(i) + start
            if same and j <= i:
                continue
            yield i, int(j), float(matrix[i - start, j])


def _stored_by_building(building_pks: list[int]) -> Iterator[dict[int, list[tuple[str, str, int | None]]]]:
    for start in range(0, len(building_pks), BATCH):
        batch = building_pks[start : start + BATCH]
        stored: dict[int, list] = defaultdict(list)
        rows = (
            Household.objects.filter(building_id__in=batch, anonymised_on__isnull=True)
            .exclude(reference_name="")
            .values_list("building_id", "reference", "reference_name", "reference_age")
        )
        for building_id, reference, name, age in rows.iterator(chunk_size=2000):
            stored[building_id].append((reference, fold_reference(name), age))
        yield stored


def import_duplicates(rows: Iterable[NewRow]) -> list[ImportDuplicate]:
    """The possible duplicates of the file's new households, ordered by row."""
    by_building: dict[tuple, list[NewRow]] = defaultdict(list)
    for row in rows:
        if row.reference_name:
            by_building[row.building_key].append(row)
    found: list[ImportDuplicate] = []
    # Within the file.
    for group in by_building.values():
        names = [fold_reference(r.reference_name) for r in group]
        for i, j, similarity in _matches(names, names, same=True):
            score, reasons = _evidence(similarity, group[i].reference_age, group[j].reference_age)
            found.append(ImportDuplicate(group[j].number, score, reasons, other_row=group[i].number))
    # Against the stored households of the same building.
    groups_by_pk = {group[0].building_pk: group for group in by_building.values() if group[0].building_pk}
    for stored in _stored_by_building(sorted(groups_by_pk)):
        for building_pk, households in stored.items():
            group = groups_by_pk[building_pk]
            names = [fold_reference(r.reference_name) for r in group]
            for i, j, similarity in _matches(names, [h[1] for h in households], same=False):
                reference, _, age = households[j]
                score, reasons = _evidence(similarity, group[i].reference_age, age)
                found.append(ImportDuplicate(group[i].number, score, reasons, stored_reference=reference))
    found.sort(key=lambda d: (d.number, -d.score))
    return found
