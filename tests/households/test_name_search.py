"""Name search (issue 19, point 4): accents and case aside, within the user's scope, for named roles
only; on PostgreSQL answered from the folded names stored in generated columns (migration households
0018) and their trigram indexes."""

import pytest
from django.db import connection
from django.urls import reverse

from relogement.households.models import Household, HouseholdMember
from relogement.households.search import fold, name_contains
from tests import factories

LIST = reverse("households:list")


def _refs(response):
    return sorted(row["household"].reference for row in response.context["rows"])


def test_fold():
    assert fold("Zéphyrin ÉLODIE Œuvre Lætitia") == "zephyrin elodie oeuvre laetitia"
    assert fold(None) is None


@pytest.fixture
def accented(world):
    Household.objects.filter(pk=world.household_a.pk).update(reference_name="Famille Zéphyrin")
    HouseholdMember.objects.create(household=world.household_b, first_name="Hélène", last_name="Lefèvre")
    return world


@pytest.mark.parametrize("q", ["zephyrin", "ZÉPHYRIN", "Zéph", "  ephyr "])
def test_household_name_is_found_accents_and_case_aside(accented, q):
    client = accented.client_for("mous")
    assert _refs(client.get(LIST, {"q": q})) == ["CONC-001"]


@pytest.mark.parametrize("q", ["helene", "HÉLÈNE", "lefevre", "Lefèvre"])
def test_member_names_are_found_accents_and_case_aside(accented, q):
    assert _refs(accented.client_for("social_b").get(LIST, {"q": q})) == ["CONC-002"]


def test_search_stays_scoped_and_named(accented):
    assert _refs(accented.client_for("social_b").get(LIST, {"q": "zephyrin"})) == []  # social_a's household
    assert _refs(accented.client_for("metropolis").get(LIST, {"q": "zephyrin"})) == []  # no names
    assert _refs(accented.client_for("metropolis").get(LIST, {"q": "helene"})) == []
    # The wildcards of LIKE are text like any other.
    assert _refs(accented.client_for("mous").get(LIST, {"q": "%"})) == []
    assert _refs(accented.client_for("mous").get(LIST, {"q": "z_phyrin"})) == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgresql_folds_like_python_and_answers_from_the_trigram_indexes(accented):
    text = "Œuvre Zéphyrin ÉLODIE Lætitia Hélène"
    with connection.cursor() as cursor:
        cursor.execute("SELECT relogement_fold(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)
        # A few rows: the planner would scan them, or walk another index (the project's, for the list's
        # order). With plain scans off, the name filter alone can only be answered from its index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plans = {
            "household_name_folded_trgm": Household.objects.filter(name_contains("reference_name", "zéph"))
            .order_by()
            .values("pk")
            .explain(),
            "member_last_name_folded_trgm": HouseholdMember.objects.filter(name_contains("last_name", "lefe"))
            .order_by()
            .values("pk")
            .explain(),
            "member_first_name_folded_trgm": HouseholdMember.objects.filter(
                name_contains("first_name", "hele")
            )
            .order_by()
            .values("pk")
            .explain(),
        }
    for index, plan in plans.items():
        assert index in plan, plan
        assert "relogement_fold" not in plan, plan  # the stored column is compared, nothing is folded
    factories.HouseholdFactory(building=accented.building, reference="PG-1", reference_name="Famille Lætitia")
    assert _refs(accented.client_for("mous").get(LIST, {"q": "laetitia"})) == ["PG-1"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_postgresql_stored_folded_names_follow_every_write(accented):
    # Whatever writes the row (a save, a queryset update), the database recomputes the stored fold.
    member = HouseholdMember.objects.get(household=accented.household_b)
    member.last_name = "Bérénice-Öztürk"
    member.save()
    client = accented.client_for("social_b")
    assert _refs(client.get(LIST, {"q": "ozturk"})) == ["CONC-002"]
    assert _refs(client.get(LIST, {"q": "lefevre"})) == []
    Household.objects.filter(pk=accented.household_a.pk).update(reference_name="Famille Ærø")
    assert _refs(accented.client_for("mous").get(LIST, {"q": "aer"})) == ["CONC-001"]
    assert _refs(accented.client_for("mous").get(LIST, {"q": "zephyrin"})) == []
