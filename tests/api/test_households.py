"""Households through the API: the perimeter of the pages, their field rules, the read log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relogement.audit.models import FileRead
from relogement.households.models import Household, ResourceLine, SocialDiagnosis, SupportLogEntry
from relogement.households.statuses import HouseholdStatus
from relogement.permissions.predicates import can_view_names
from tests import factories
from tests.api.clients import api_client

LIST = "/api/v1/menages/"


def _detail(household) -> str:
    return f"/api/v1/menages/{household.pk}/"


@pytest.fixture
def notes(world):
    """Provider A's social file of household A: a support-log entry, a diagnosis, a health note."""
    household = world.household_a
    household.monthly_resources = Decimal("1234.50")
    household.rent_before = Decimal("410.00")
    household.sne_number = "SNE-59-001"
    household.health_note = "Asthme sévère"
    household.save()
    ResourceLine.objects.create(household=household, kind="salaire", monthly_amount=Decimal("1234.50"))
    factories.HouseholdMemberFactory(household=household, first_name="Léa", last_name="Martin")
    SupportLogEntry.objects.create(
        household=household, kind="visite", date=dt.date(2026, 3, 2), summary="Visite : dossier CAF incomplet"
    )
    SocialDiagnosis.objects.create(
        household=household,
        date=dt.date(2026, 2, 1),
        findings="Dette locative ancienne",
        conclusions="Relogement T3 hors QPV",
        rent_arrears=True,
    )
    return household


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["resultats"]]


@pytest.mark.parametrize(
    "persona", ["mous", "commune", "social_a", "social_b", "landlord", "metropolis", "outsider"]
)
def test_each_organisation_lists_exactly_the_households_of_its_pages(world, persona):
    response = api_client(world, persona).get(LIST)
    assert response.status_code == 200
    visible = Household.objects.visible_to(world.users[persona]).order_by("project_id", "reference", "pk")
    assert _ids(response) == [h.pk for h in visible]
    assert response.json()["total"] == len(visible)


def test_a_social_provider_reads_its_households_and_not_provider_bs(world, notes):
    client = api_client(world, "social_a")
    rows = client.get(LIST).json()["resultats"]
    assert [row["reference"] for row in rows] == ["CONC-001"]
    assert rows[0]["nom"] == "Famille Martin" and rows[0]["ressources_mensuelles"] == "1234.50"
    file = client.get(_detail(world.household_a)).json()
    assert file["journal"] == [
        {"date": "2026-03-02", "type": "visite", "resume": "Visite : dossier CAF incomplet"}
    ]
    assert file["diagnostics"][0]["constats"] == "Dette locative ancienne"
    assert file["note_sante"] == "Asthme sévère"
    assert file["numero_sne"] == "SNE-59-001"
    assert file["statut_occupation"] == "locataire_social"
    for other in (world.household_b, world.household_other):
        response = client.get(_detail(other))
        assert response.status_code == 404
        assert response.json() == {
            "code": "introuvable",
            "message": "Introuvable : cet objet n'existe pas ou n'est pas dans le périmètre de votre organisation.",
        }


def test_the_metropolis_gets_pseudonymised_households(world, notes):
    client = api_client(world, "metropolis")
    rows = client.get(LIST).json()["resultats"]
    assert all("nom" not in row for row in rows)
    assert {row["pseudonyme"] for row in rows} == {h.pseudonym for h in Household.objects.all()}
    file = client.get(_detail(world.household_a)).json()
    for hidden in ("nom", "numero_sne", "age_referent", "membres", "journal", "note_sante", "diagnostics"):
        assert hidden not in file, hidden
    assert file["ressources_mensuelles"] == "1234.50"  # resources: shown pseudonymised, like the page
    assert "Martin" not in str(file) and "Asthme" not in str(file)


def test_social_notes_stay_with_the_assigned_provider(world, notes):
    for persona in ("mous", "commune", "landlord"):
        file = api_client(world, persona).get(_detail(world.household_a)).json()
        assert "journal" not in file and "note_sante" not in file, persona
        assert "nom" in file and file["nom"] == "Famille Martin"
        for diagnosis in file.get("diagnostics", []):
            assert "constats" not in diagnosis and "dette_locative" not in diagnosis
    mous = api_client(world, "mous").get(_detail(world.household_a)).json()
    assert mous["diagnostics"] == [{"date": "2026-02-01", "conclusions": "Relogement T3 hors QPV"}]


def test_the_landlord_sees_limited_fields(world, notes):
    file = api_client(world, "landlord").get(_detail(world.household_a)).json()
    for hidden in ("ressources", "ressources_mensuelles", "couts_origine", "prochaines_etapes"):
        assert hidden not in file, hidden
    assert file["membres"] == [{"prenom": "Léa", "nom": "Martin", "lien": "reference"}]
    assert "ressources_mensuelles" not in api_client(world, "landlord").get(LIST).json()["resultats"][0]


def test_a_new_provider_does_not_read_the_previous_providers_notes(world, notes):
    household = world.household_a
    household.social_provider = world.orgs["social_b"]
    household.save()
    file = api_client(world, "social_b").get(_detail(household)).json()
    assert file["journal"] == [] and "note_sante" not in file
    assert "constats" not in file["diagnostics"][0]


def test_named_reads_go_to_the_read_log(world, notes):
    client = api_client(world, "social_a")
    client.get(LIST)
    read = FileRead.objects.get()
    assert read.household == world.household_a and read.what == "API liste des ménages"
    assert read.organisation == world.orgs["social_a"]
    assert str(read.user).startswith("Jeton d'API Logiciel de social_a")
    client.get(_detail(world.household_a))
    assert FileRead.objects.filter(what="API fiche").count() == 1


def test_pseudonymised_reads_are_logged_like_the_page(world, notes):
    client = api_client(world, "metropolis")
    client.get(LIST)
    assert not FileRead.objects.exists()  # a pseudonymised list is nobody's file
    client.get(_detail(world.household_a))
    assert FileRead.objects.get().what == "API fiche pseudonymisée"


def test_filters(world):
    factories.HouseholdFactory(
        building=world.building,
        social_provider=world.orgs["social_a"],
        reference="CONC-003",
        status=HouseholdStatus.SEARCHING,
    )
    client = api_client(world, "mous")
    refs = lambda query: [row["reference"] for row in client.get(LIST + query).json()["resultats"]]  # noqa: E731
    assert refs("?statut=searching") == ["CONC-003"]
    assert refs(f"?batiment={world.building.pk}") == ["CONC-001", "CONC-002", "CONC-003"]
    assert refs(f"?projet={world.other_project.pk}") == []
    assert refs("?commune=59350") == ["CONC-001", "CONC-002", "CONC-003"]
    assert refs("?commune=59512") == []
    assert refs("?q=durand") == ["CONC-002"]
    assert refs("?modifie_depuis=2000-01-01T00:00:00Z") == ["CONC-001", "CONC-002", "CONC-003"]
    # A pseudonymised role never finds a household by its name.
    assert [
        row["reference"]
        for row in api_client(world, "metropolis").get(LIST + "?q=durand").json()["resultats"]
    ] == []


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ("?projet=abc", "projet", "Un nombre entier valide est requis."),
        ("?projet=0", "projet", "Assurez-vous que cette valeur est supérieure ou égale à 1."),
        ("?statut=perdu", "statut", "« perdu » n'est pas un choix valide."),
        ("?commune=123", "commune", "Code INSEE invalide : 5 caractères (ex. 59350)."),
        ("?modifie_depuis=hier", "modifie_depuis", None),
    ],
)
def test_invalid_filters_give_400_with_the_field_in_french(world, query, field, reason):
    response = api_client(world, "mous").get(LIST + query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalide" and body["message"] == "Données invalides : voir les raisons par champ."
    assert list(body["champs"]) == [field]
    if reason:
        # DRF's French catalogue puts no-break spaces before ":" and inside « ».
        assert [text.replace("\xa0", " ") for text in body["champs"][field]] == [reason]
    else:
        assert body["champs"][field][0].startswith("La date + heure n'a pas le bon format")


def test_pages_are_bounded_and_stable(world, settings):
    settings.API_MAX_PAGE_SIZE = 2
    for n in range(3, 6):
        factories.HouseholdFactory(building=world.building, reference=f"CONC-00{n}")
    client = api_client(world, "mous")
    first = client.get(LIST + "?taille=500").json()
    assert len(first["resultats"]) == 2 and first["total"] == 5 and first["pages"] == 3
    assert first["precedente"] is None and "page=2" in first["suivante"]
    seen = []
    for page in (1, 2, 3):
        seen += [row["reference"] for row in client.get(LIST + f"?taille=2&page={page}").json()["resultats"]]
    assert seen == ["CONC-001", "CONC-002", "CONC-003", "CONC-004", "CONC-005"]
    missing = client.get(LIST + "?page=9")
    assert missing.status_code == 404 and missing.json()["message"] == "Page invalide : elle n'existe pas."


def test_list_and_file_queries_do_not_grow_with_the_rows(world, notes):
    client = api_client(world, "social_a")
    client.get(LIST)  # the token's first use
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(10):
        factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], reference=f"CONC-1{n:02d}"
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(LIST).json()["resultats"]) == 11
    assert len(many) == len(few)


def test_names_follow_the_same_predicate_as_the_pages(world):
    for persona in ("mous", "commune", "social_a", "landlord", "metropolis"):
        user = world.users[persona]
        row = api_client(world, persona).get(_detail(world.household_a)).json()
        assert ("nom" in row) == can_view_names(user, world.household_a), persona
