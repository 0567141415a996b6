"""The rules of duplicate detection, their scores, and the perimeter: each test fails if its rule breaks."""

import datetime as dt

import pytest
from django.db import connection

from relogement.duplicates.detection import find_possible_duplicates, fold, normalise_sne
from relogement.duplicates.imports import NewRow, import_duplicates
from relogement.duplicates.selectors import suspected_pairs
from tests import factories

BIRTH = dt.date(1975, 4, 2)


def _member(household, last, first, birth=BIRTH):
    return factories.HouseholdMemberFactory(
        household=household, last_name=last, first_name=first, birth_date=birth
    )


def test_fold_removes_accents_case_and_punctuation():
    assert fold("  Hélène D'ÉTIENNE-Müller ") == "helene d etienne muller"
    assert normalise_sne("059 1223-0000.1234") == "059122300001234"


def test_same_sne_number_written_differently(world):
    world.household_b.sne_number = "0591223 00001234"
    world.household_b.save()
    found = find_possible_duplicates(viewer=world.users["mous"], sne_number="059-1223-0000-1234")
    assert [(c.household, c.score, c.reasons) for c in found] == [
        (world.household_b, 90, ("même numéro SNE",))
    ]


def test_accented_name_and_same_birth_date(world):
    _member(world.household_b, "Lefèvre", "Hélène")
    _member(world.household_a, "Lefevre", "Helene", birth=dt.date(1976, 4, 2))  # another day: no match
    found = find_possible_duplicates(viewer=world.users["mous"], members=[("LEFEVRE", "helene", BIRTH)])
    assert [c.household for c in found] == [world.household_b]
    assert found[0].score == 95
    assert found[0].reasons == ("même nom et même date de naissance d'un membre",)


def test_close_name_scores_less_than_identical_and_far_name_is_ignored(world):
    _member(world.household_b, "Dupond", "Jean")
    close = find_possible_duplicates(viewer=world.users["mous"], members=[("Jean", "Dupont", BIRTH)])
    assert len(close) == 1 and 80 <= close[0].score < 95
    assert close[0].reasons[0].startswith("nom proche (")
    assert not find_possible_duplicates(viewer=world.users["mous"], members=[("Martin", "Paul", BIRTH)])
    # Same name, no birth date given: the name alone is not a rule.
    assert not find_possible_duplicates(viewer=world.users["mous"], members=[("Dupond", "Jean", None)])


def test_same_origin_dwelling_but_not_a_split(world):
    dwelling = factories.OriginDwellingFactory(building=world.building)
    world.household_b.origin_dwelling = dwelling
    world.household_b.save()
    split = factories.HouseholdFactory(
        building=world.building,
        origin_dwelling=dwelling,
        split_from=world.household_b,
        reference="CONC-002-D",
    )
    found = find_possible_duplicates(viewer=world.users["mous"], origin_dwelling_id=dwelling.pk)
    assert {c.household for c in found} == {world.household_b, split}
    assert all(c.score == 40 and c.reasons == ("même logement d'origine",) for c in found)
    # From the split's own file, its parent shares the dwelling by design: not a candidate.
    from_split = find_possible_duplicates(
        viewer=world.users["mous"], origin_dwelling_id=dwelling.pk, exclude_household_id=split.pk
    )
    assert world.household_b not in {c.household for c in from_split}
    from_parent = find_possible_duplicates(
        viewer=world.users["mous"], origin_dwelling_id=dwelling.pk, exclude_household_id=world.household_b.pk
    )
    assert split not in {c.household for c in from_parent}
    # Nor a suspected pair.
    assert not suspected_pairs(user=world.users["mous"])


def test_rules_combine_into_a_higher_score(world):
    dwelling = factories.OriginDwellingFactory(building=world.building)
    world.household_b.sne_number = "A1"
    world.household_b.origin_dwelling = dwelling
    world.household_b.save()
    _member(world.household_b, "Durand", "Léa")
    found = find_possible_duplicates(
        viewer=world.users["mous"],
        sne_number="a1",
        members=[("Durand", "Lea", BIRTH)],
        origin_dwelling_id=dwelling.pk,
    )
    # 1 - (0.10 × 0.05 × 0.60) = 0.997
    assert found[0].score == 100 and len(found[0].reasons) == 3
    assert found[0].reasons[0] == "même nom et même date de naissance d'un membre"


def test_no_candidate_outside_the_viewers_perimeter(world):
    world.household_other.sne_number = "X9"
    world.household_other.save()
    _member(world.household_other, "Petit", "Anne")
    _member(world.household_b, "Petit", "Anne")
    members = [("Petit", "Anne", BIRTH)]
    assert {
        c.household
        for c in find_possible_duplicates(viewer=world.users["social_b"], sne_number="X9", members=members)
    } == {
        world.household_other,
        world.household_b,
    }
    # Provider A sees neither; the project office of Concorde not the other project's household.
    assert not find_possible_duplicates(viewer=world.users["social_a"], sne_number="X9", members=members)
    assert {
        c.household
        for c in find_possible_duplicates(viewer=world.users["mous"], sne_number="X9", members=members)
    } == {world.household_b}
    assert not find_possible_duplicates(viewer=world.users["metropolis"], sne_number="")
    assert not find_possible_duplicates(viewer=world.users["admin"], sne_number="X9", members=members)


def test_exclude_household_and_limit(world):
    for n in range(4):
        factories.HouseholdFactory(building=world.building, sne_number="S1", reference=f"S-{n}")
    found = find_possible_duplicates(viewer=world.users["mous"], sne_number="S1", limit=2)
    assert len(found) == 2
    first = found[0].household
    rest = find_possible_duplicates(
        viewer=world.users["mous"], sne_number="S1", exclude_household_id=first.pk
    )
    assert first not in {c.household for c in rest} and len(rest) == 3


def test_suspected_pairs_within_the_perimeter(world):
    world.household_a.sne_number = "S-77"
    world.household_a.save()
    world.household_b.sne_number = "s 77"
    world.household_b.save()
    world.household_other.sne_number = "S77"
    world.household_other.save()
    _member(world.household_a, "Benali", "Karim")
    _member(world.household_other, "Benali", "Karim")
    pairs = suspected_pairs(user=world.users["mous"])
    assert [(p.low_id, p.high_id, p.score, p.reasons) for p in pairs] == [
        (world.household_a.pk, world.household_b.pk, 90, ("même numéro SNE",))
    ]
    # Provider B: its two households (one in each project), same SNE only.
    pairs = suspected_pairs(user=world.users["social_b"])
    assert [(p.low_id, p.high_id) for p in pairs] == [(world.household_b.pk, world.household_other.pk)]
    # The metropolis sees every household: the name rule finds a + other.
    pairs = {(p.low_id, p.high_id): p for p in suspected_pairs(user=world.users["metropolis"])}
    assert pairs[(world.household_a.pk, world.household_other.pk)].score == 100
    assert len(pairs) == 3
    assert suspected_pairs(user=world.users["social_a"]) == []


def test_suspected_pairs_queries_do_not_grow_with_households(world, django_assert_max_num_queries):
    for n in range(3):
        h = factories.HouseholdFactory(building=world.building, sne_number=f"Q{n}", reference=f"Q-{n}a")
        factories.HouseholdFactory(building=world.building, sne_number=f"Q{n}", reference=f"Q-{n}b")
        _member(h, "Nom", f"Prénom{n}", birth=dt.date(1990, 1, n + 1))
    with django_assert_max_num_queries(10) as few:
        assert len(suspected_pairs(user=world.users["mous"])) == 3
    for n in range(3, 10):
        factories.HouseholdFactory(building=world.building, sne_number=f"Q{n}", reference=f"Q-{n}a")
        factories.HouseholdFactory(building=world.building, sne_number=f"Q{n}", reference=f"Q-{n}b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(suspected_pairs(user=world.users["mous"])) == 10


def test_import_duplicates_in_file_and_against_stored(world):
    world.household_a.reference_age = 40
    world.household_a.save()
    rows = [
        NewRow(2, (world.project.pk, "BAT-A"), world.building.pk, "Mme MARTIN", 41),
        NewRow(3, (world.project.pk, "BAT-A"), world.building.pk, "Famille Durrand", None),
        NewRow(4, (world.project.pk, "BAT-NEW"), None, "Famille Lopez", 30),
        NewRow(5, (world.project.pk, "BAT-NEW"), None, "Lopez", 30),
        NewRow(6, (world.project.pk, "BAT-NEW"), None, "Famille Exemple1", 30),
        NewRow(7, (world.project.pk, "BAT-NEW"), None, "Famille Exemple2", 30),
    ]
    found = {(d.number, d.stored_reference, d.other_row): d for d in import_duplicates(rows)}
    assert set(found) == {(2, "CONC-001", None), (3, "CONC-002", None), (5, "", 4)}
    assert found[(2, "CONC-001", None)].score == 80  # same name + same age (±1)
    assert found[(3, "CONC-002", None)].reasons[0].startswith("nom du référent proche (")
    assert "ligne 4 du fichier" in found[(5, "", 4)].message
    assert "score 80/100" in found[(5, "", 4)].message


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_lookup_by_sne_number_reads_the_index_of_the_compared_expression(world):
    """The household file looks its SNE number up among the perimeter's households: from the index on
    the very expression compared (``households.sne.sne_key``), not by normalising every row. (SQLite
    matches an expression index only to literals, not to a query's parameters: a scan there.)"""
    from relogement.households.models import Household
    from relogement.households.sne import sne_key

    lookup = Household.objects.annotate(key=sne_key()).filter(key=normalise_sne("059 1023 517879 gdpub"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = lookup.values("pk").explain()
    assert "household_sne_key_idx" in plan, plan
