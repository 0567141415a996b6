"""The review of changes: who changed which table of which household, when, which fields — never the
values; filterable, paginated in a constant number of queries, exportable as CSV (spreadsheet-safe)."""

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relogement.dataprotection.changes import ChangeFilters, changes, describe
from relogement.households import services
from relogement.households.models import Household, Relation
from tests import factories


def rows(filters: ChangeFilters | None = None):
    return describe(list(changes(filters or ChangeFilters())))


def test_changes_say_who_what_when_without_values(world, filled):
    found = rows(ChangeFilters(household="CONC-001"))
    assert found and all(c.reference == "CONC-001" for c in found)
    member = next(c for c in found if c.kind == "Membres du ménage")
    assert (member.action, member.user, member.organisations, member.reason) == (
        "Création",
        str(world.users["social_a"]),
        "Prestataire A",
        "Membre ajouté",
    )
    update = next(c for c in found if c.kind == "Dossier du ménage" and "numéro unique SNE" in c.fields)
    assert update.action == "Modification" and "contraintes de santé (note sensible)" in update.fields
    assert update.reason == "Modification"  # « Modification : … » cut to the application's label
    closing = next(
        c for c in found if c.kind == "Dossier du ménage" and c.reason == "motif saisi (non affiché)"
    )
    assert "statut" in closing.fields
    page = world.client_for("admin").get(reverse("dataprotection:changes"), {"household": "conc-001"})
    text = page.content.decode()
    assert page.status_code == 200 and "Prestataire A" in text
    for value in ("Nadia", "asthme", "059123456789", "Fin"):
        assert value not in text


def test_filters(world, filled):
    factories.HouseholdMemberFactory(household=world.household_b)  # no history user: the application
    everything = rows()
    assert {c.reference for c in everything} >= {"CONC-001", "CONC-002"}
    assert {c.reference for c in rows(ChangeFilters(user_id=world.users["social_a"].pk))} == {"CONC-001"}
    assert {c.reference for c in rows(ChangeFilters(organisation_id=world.orgs["social_a"].pk))} == {
        "CONC-001"
    }
    assert rows(ChangeFilters(organisation_id=world.orgs["landlord"].pk)) == []
    members = rows(ChangeFilters(kind="membres"))
    assert {c.kind for c in members} == {"Membres du ménage"} and len(members) == 2
    assert rows(ChangeFilters(household=world.household_b.pseudonym)) == [
        c for c in everything if c.reference == "CONC-002"
    ]
    today = timezone.localdate()
    assert len(rows(ChangeFilters(date_from=today, date_to=today))) == len(everything)
    assert rows(ChangeFilters(date_to=today - dt.timedelta(days=1))) == []
    assert rows(ChangeFilters(date_from=today + dt.timedelta(days=1))) == []


def test_bad_filters_get_a_french_error(world):
    client = world.client_for("admin")
    query = {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    page = client.get(reverse("dataprotection:changes"), query).content.decode()
    assert "La date de début doit précéder la date de fin." in page
    assert "modification(s)" not in page
    response = client.get(reverse("dataprotection:changes_csv"), query)
    assert response.status_code == 400 and "date de début" in response.content.decode()


def test_a_page_costs_the_same_queries_whatever_the_rows(world):
    client = world.client_for("admin")
    url = reverse("dataprotection:changes")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    h = world.household_a
    services.member_add(
        household=h, first_name="A", last_name="B", relation=Relation.REFERENCE, actor=world.users["mous"]
    )
    services.household_update(
        household=h, changes={"sne_number": "1"}, actor=world.users["mous"], expected_version=None
    )
    # Every kind of row the page will show is there already (a modification of a resource, too):
    # the page costs two queries per kind of table shown, never per row.
    for amount in (100, 101):
        services.resource_set(household=h, kind="salaire", monthly_amount=amount, actor=world.users["mous"])
    few = count()
    for n in range(30):
        services.household_update(
            household=h,
            changes={"sne_number": str(n + 2)},
            actor=world.users["social_a"],
            expected_version=None,
        )
        services.resource_set(household=h, kind="salaire", monthly_amount=n + 200, actor=world.users["mous"])
    assert Household.history.count() > 30
    assert count() == few
    page = client.get(url).content.decode()
    assert "1 / 2" in page  # 50 a page


def test_csv_export_is_spreadsheet_safe(world):
    person = factories.UserFactory(
        first_name='=HYPERLINK("http://x")', last_name="Piège", organisations=[world.orgs["mous"]]
    )
    services.household_update(
        household=world.household_a, changes={"sne_number": "9"}, actor=person, expected_version=None
    )
    response = world.client_for("admin").get(reverse("dataprotection:changes_csv"), {"household": "CONC-001"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffDate;Utilisateur")
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert lines[0][0] == "Date" and len(lines) == 3  # the change, then the file's creation
    assert lines[1][1] == '\'=HYPERLINK("http://x") Piège'
    assert lines[1][3] == "CONC-001" and lines[1][8] == "numéro unique SNE"
