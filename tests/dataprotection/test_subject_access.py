"""Subject-access export: every row and history row the application holds about the household, as a
PDF for the household and a ZIP of JSON files; logged in the read log; the DPO only, after a search."""

import io
import json
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.dataprotection.registry import TABLES
from relogement.dataprotection.subject_access import archive_bytes, subject_access
from relogement.households import services
from relogement.households.models import Relation
from tests.dataprotection.conftest import dpo_client
from tests.dataprotection.pdftext import pdf_text


def _rows(table, household):
    return table.model_class._default_manager.filter(**{table.household_path: household.pk}).count()


def _history_rows(table, household):
    key = "id" if table.household_path == "pk" else table.household_path
    return table.history_model._default_manager.filter(**{key: household.pk}).count()


def test_every_row_and_every_history_row_is_exported(world, filled):
    export = subject_access(filled)
    sections = {s.table.model: s for s in export.sections}
    assert [s.table.model for s in export.sections] == [t.model for t in TABLES]
    for table in TABLES:
        section = sections[table.model]
        assert len(section.records) == _rows(table, filled), table.model
        if table.history_model is not None:
            assert len(section.history) == _history_rows(table, filled), table.model
    # The file filled every table but the provider changes and the erasures.
    empty = {s.table.archive_name for s in export.sections if not s.records}
    assert empty == {"changements_prestataire", "effacements"}
    # Only another household's rows would make these counts differ: B has its own.
    assert all(r.values for s in export.sections for r in s.records)


def test_the_export_names_organisations_not_employees(world, filled):
    export = subject_access(filled)
    reads = next(s for s in export.sections if s.table.archive_name == "consultations")
    values = dict(reads.records[0].values)
    assert values["utilisateur"] == "agent de MOUS Concorde"
    assert values["organisation"] == "MOUS Concorde"
    assert reads.records[0].data["what"] == "fiche"
    members = next(s for s in export.sections if s.table.archive_name == "membres")
    creation = members.history[0]
    assert creation.action == "Création"
    assert creation.by == "agent de Prestataire A"
    assert ("prénom", "Nadia") in creation.changes
    archive = archive_bytes(export).decode("latin-1")
    assert str(world.users["mous"]) not in archive and "Agent" not in archive


def test_pdf_prints_the_file_its_notes_history_and_reads(world, filled):
    text = pdf_text("dataprotection/pdf/subject_access.html", {"export": subject_access(filled)})
    for expected in (
        "Vos données personnelles — dossier de relogement CONC-001",
        "Nadia",
        "059123456789",
        "asthme sévère",
        "Constat : dette",
        "Visite au domicile",
        "Appeler la CAF",
        "Wazemmes",
        "3 rue des Lilas",
        "Historique : membres du ménage",
        "Consultations du dossier",
        "MOUS Concorde",
    ):
        assert expected in text, expected
    assert "Famille Durand" not in text  # household B


def test_pdf_and_archive_downloads_are_logged(world, filled):
    client = dpo_client(world)
    response = client.get(reverse("dataprotection:access_pdf", args=[filled.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    assert "CONC-001" in response["Content-Disposition"] and "Martin" not in response["Content-Disposition"]
    response = client.get(reverse("dataprotection:access_archive", args=[filled.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for table in TABLES:
        assert f"{table.archive_name}.json" in names
        if table.history_model is not None:
            assert f"historique/{table.archive_name}.json" in names
    members = json.loads(archive.read("membres.json"))
    assert members == [
        {
            "first_name": "Nadia",
            "last_name": "Martin",
            "birth_date": "1979-04-12",
            "relation": "Personne de référence",
            "employment": None if members[0]["employment"] is None else members[0]["employment"],
        }
    ]
    household = json.loads(archive.read("menage.json"))[0]
    assert household["health_note"] == "asthme sévère" and household["reference"] == "CONC-001"
    fields = json.loads(archive.read("champs.json"))
    assert fields["menage"]["champs"]["health_note"]["catégorie"] == "Santé (donnée sensible, art. 9 RGPD)"
    history = json.loads(archive.read("historique/membres.json"))
    assert history[0]["action"] == "Création" and history[0]["valeurs"]["first_name"] == "Nadia"
    whats = list(
        FileRead.objects.filter(household=filled, user=world.users["admin"]).values_list("what", flat=True)
    )
    assert "RGPD : droit d'accès (PDF)" in whats and "RGPD : droit d'accès (archive)" in whats


def test_queries_do_not_grow_with_the_rows(world, filled):
    def count():
        with CaptureQueriesContext(connection) as queries:
            subject_access(filled)
        return len(queries)

    count()  # the household's project is loaded once, then cached on it
    before = count()
    for n in range(5):
        services.member_add(
            household=filled,
            first_name=f"Enfant{n}",
            last_name="Martin",
            relation=Relation.CHILD,
            actor=world.users["social_a"],
        )
    assert count() == before


def test_the_dpo_opens_only_households_found_by_a_search(world, filled):
    admin = world.client_for("admin")
    url = reverse("dataprotection:household", args=[filled.pk])
    assert admin.get(url).status_code == 404  # no search yet: no browsing by id
    admin.get(reverse("dataprotection:home"), {"q": "Martin"})  # names are not searched
    assert admin.get(url).status_code == 404
    response = admin.get(reverse("dataprotection:home"), {"q": filled.pseudonym.lower()})
    assert "CONC-001" in response.content.decode()
    response = admin.get(url)
    assert response.status_code == 200
    assert (
        FileRead.objects.filter(
            household=filled, user=world.users["admin"], what="RGPD : dossier (DPO)"
        ).count()
        == 1
    )
    # Still another household needs its own search.
    assert admin.get(reverse("dataprotection:household", args=[world.household_b.pk])).status_code == 404
