"""Documents of the household file: upload checked by content, visibility by kind, downloads logged,
deletion with history, anonymisation, storage API, handover, subject access."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.core.errors import DomainError
from relogement.dataprotection.subject_access import archive_bytes, subject_access
from relogement.documents import services
from relogement.documents.kinds import DocumentKind
from relogement.documents.models import HouseholdDocument
from relogement.households.reassignment import household_reassign_provider
from relogement.households.retention import ON_REQUEST_REASON, household_anonymise
from tests.documents.builders import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, make_document, upload


@pytest.fixture(autouse=True)
def memory_storage(settings):
    """Every test stores its files in memory through the storage API (a deployment's S3 works alike)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def stored_names() -> list[str]:
    try:
        return default_storage.listdir("documents")[1]
    except FileNotFoundError:
        return []


def post_upload(client, household, *, kind=DocumentKind.LEASE, title="Bail", file=None, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("documents:upload", args=[household.pk]),
        {"kind": kind, "title": title, "file": file or upload()},
        **headers,
    )


# --- Upload ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "browser_type", "detected"),
    [
        ("avis.pdf", PDF_BYTES, "application/pdf", "application/pdf"),
        ("photo.JPG", JPEG_BYTES, "image/jpeg", "image/jpeg"),
        ("photo.jpeg", JPEG_BYTES, "application/octet-stream", "image/jpeg"),
        ("scan.png", PNG_BYTES, "image/png", "image/png"),
    ],
)
def test_upload_each_allowed_type(
    world, name, content, browser_type, detected, django_capture_on_commit_callbacks
):
    client = world.client_for("social_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, world.household_a, file=upload(name, content, browser_type))
    assert response.status_code == 302
    document = HouseholdDocument.objects.get()
    assert document.content_type == detected
    assert document.original_filename == name
    assert document.size == len(content)
    assert document.uploaded_by == world.users["social_a"]
    assert document.organisation == world.orgs["social_a"]
    assert document.holder is None  # not a social document
    # Stored through the storage API under a private name that says nothing of the file or household.
    assert document.file.name.startswith("documents/")
    assert name.rsplit(".", 1)[0] not in document.file.name
    assert default_storage.open(document.file.name).read() == content
    assert stored_names() == [document.file.name.split("/", 1)[1]]
    assert document.history.get().history_change_reason == services.ADDED_REASON


@pytest.mark.parametrize(
    ("name", "content", "browser_type", "message"),
    [
        ("avis.pdf", PNG_BYTES, "application/pdf", "son nom se termine par « .pdf »"),
        ("avis.pdf", EXE_BYTES, "application/pdf", "ni un PDF, ni une image JPEG ou PNG"),
        ("setup.exe", EXE_BYTES, "application/x-msdownload", "ni un PDF, ni une image JPEG ou PNG"),
        ("avis.pdf", b"<html><script>alert(1)</script>", "application/pdf", "ni un PDF"),
        ("scan", PDF_BYTES, "application/pdf", "son nom n'a pas d'extension"),
        ("vide.pdf", b"", "application/pdf", "Le fichier est vide."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_disguised_or_empty_file_refused_next_to_the_field(world, name, content, browser_type, message, htmx):
    client = world.client_for("social_a")
    response = post_upload(client, world.household_a, file=upload(name, content, browser_type), htmx=htmx)
    assert response.status_code == 200
    body = response.content.decode()
    # The message is the file field's own feedback (shared include), not a page-level alert.
    assert 'id="document_file_error"' in body
    assert message in body.split('id="document_file_error"', 1)[1].split("</div>", 1)[0].replace(
        "&#x27;", "'"
    )
    assert not HouseholdDocument.objects.exists()
    assert stored_names() == []


def test_oversize_refused(world, settings):
    settings.DOCUMENT_MAX_BYTES = 2048
    client = world.client_for("social_a")
    response = post_upload(client, world.household_a, file=upload("gros.pdf", PDF_BYTES + b"0" * 3000))
    body = response.content.decode()
    assert "dépasse la taille maximale de 2 ko" in body.split('id="document_file_error"', 1)[1]
    assert not HouseholdDocument.objects.exists()
    assert stored_names() == []


def test_the_service_checks_again_and_stores_nothing_on_refusal(world, settings):
    settings.DOCUMENT_MAX_BYTES = 2048
    for kwargs in (
        {"upload": upload("gros.pdf", PDF_BYTES + b"0" * 3000)},
        {"upload": upload("avis.pdf", PNG_BYTES)},
        {"upload": upload(), "title": "  "},
        {"upload": upload(), "kind": "inconnu"},
        # The project office may not add a social document (can_edit_social_file).
        {"upload": upload(), "kind": DocumentKind.SOCIAL, "actor": world.users["mous"]},
        # Nor the landlord anything.
        {"upload": upload(), "actor": world.users["landlord"]},
    ):
        arguments = {"household": world.household_a, "kind": DocumentKind.LEASE, "title": "Bail"}
        arguments["actor"] = world.users["social_a"]
        arguments.update(kwargs)
        with pytest.raises(services.DocumentRefused):
            services.document_add(**arguments)
    assert not HouseholdDocument.objects.exists()
    assert stored_names() == []


def test_no_file_left_when_the_database_refuses_the_row(world, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(HouseholdDocument, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.document_add(
            household=world.household_a,
            kind=DocumentKind.LEASE,
            title="Bail",
            upload=upload(),
            actor=world.users["mous"],
        )
    assert stored_names() == []


def test_social_kinds_are_not_offered_to_the_project_office_and_a_forged_one_is_refused(world):
    client = world.client_for("mous")
    form = client.get(reverse("documents:upload", args=[world.household_a.pk])).content.decode()
    assert f'value="{DocumentKind.LEASE}"' in form
    assert f'value="{DocumentKind.SOCIAL}"' not in form
    assert f'value="{DocumentKind.HEALTH}"' not in form
    response = post_upload(client, world.household_a, kind=DocumentKind.SOCIAL)
    assert "Choisissez un type de document que votre organisation peut déposer." in response.content.decode()
    assert not HouseholdDocument.objects.exists()
    provider_form = world.client_for("social_a").get(reverse("documents:upload", args=[world.household_a.pk]))
    assert f'value="{DocumentKind.SOCIAL}"' in provider_form.content.decode()


def test_upload_refused_on_an_anonymised_file(world):
    world.household_a.anonymised_on = dt.date(2026, 1, 1)
    world.household_a.save()
    with pytest.raises(services.DocumentRefused, match="anonymisé"):
        make_document(world)
    assert stored_names() == []


def test_htmx_upload_answers_the_refreshed_section(world):
    response = post_upload(world.client_for("mous"), world.household_a, title="Bail signé 2025", htmx=True)
    body = response.content.decode()
    assert "Document ajouté." in body
    assert "Bail signé 2025" in body


# --- Visibility -----------------------------------------------------------------------------------


def _section(world, persona) -> str:
    response = world.client_for(persona).get(reverse("households:detail", args=[world.household_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_role_sees_the_documents_of_the_kinds_it_may_see(world):
    make_document(world, kind=DocumentKind.LEASE, title="Bail du logement")
    make_document(world, kind=DocumentKind.TAX_NOTICE, title="Avis d'imposition 2025")
    make_document(world, kind=DocumentKind.IDENTITY, title="Carte d'identité")
    make_document(world, kind=DocumentKind.SOCIAL, persona="social_a", title="Rapport social confidentiel")
    make_document(world, kind=DocumentKind.HEALTH, persona="social_a", title="Certificat médical")
    expected = {
        "social_a": {
            "Bail du logement",
            "Avis d",
            "Carte d",
            "Rapport social confidentiel",
            "Certificat médical",
        },
        "mous": {"Bail du logement", "Avis d", "Carte d"},
        "commune": {"Bail du logement", "Avis d", "Carte d"},
        "landlord": {"Bail du logement"},
        "metropolis": set(),
    }
    titles = {"Bail du logement", "Avis d", "Carte d", "Rapport social confidentiel", "Certificat médical"}
    for persona, shown in expected.items():
        page = _section(world, persona)
        section = page.split('id="section-documents"', 1)[1].split("</section>", 1)[0]
        for title in titles:
            assert (title in section) == (title in shown), (persona, title)
    assert "Données pseudonymisées" in _section(world, "metropolis").split('id="section-documents"', 1)[1]


def test_a_social_document_is_hidden_from_the_landlord_and_the_project_office(world):
    document = make_document(world, kind=DocumentKind.SOCIAL, persona="social_a")
    assert document.holder == world.orgs["social_a"]
    url = reverse("documents:download", args=[world.household_a.pk, document.pk])
    for persona in ("mous", "landlord", "commune", "metropolis", "social_b"):
        assert world.client_for(persona).get(url).status_code == 404, persona
    assert world.client_for("social_a").get(url).status_code == 200


def test_social_documents_follow_the_social_file_on_a_change_of_provider(world):
    document = make_document(world, kind=DocumentKind.SOCIAL, persona="social_a")
    lease = make_document(world, kind=DocumentKind.LEASE)
    household_reassign_provider(
        household=world.household_a,
        provider=world.orgs["social_b"],
        hand_over_social_file=True,
        reason="Changement de secteur",
        actor=world.users["mous"],
    )
    document.refresh_from_db()
    assert document.holder == world.orgs["social_b"]
    url = reverse("documents:download", args=[world.household_a.pk, document.pk])
    assert world.client_for("social_b").get(url).status_code == 200
    assert world.client_for("social_a").get(url).status_code == 404  # out of its scope now
    lease.refresh_from_db()
    assert lease.holder is None


def test_without_handover_the_new_provider_does_not_read_the_previous_social_documents(world):
    document = make_document(world, kind=DocumentKind.HEALTH, persona="social_a")
    household_reassign_provider(
        household=world.household_a,
        provider=world.orgs["social_b"],
        hand_over_social_file=False,
        reason="Changement de secteur",
        actor=world.users["mous"],
    )
    url = reverse("documents:download", args=[world.household_a.pk, document.pk])
    assert world.client_for("social_b").get(url).status_code == 404


# --- Download -------------------------------------------------------------------------------------


def test_download_is_streamed_as_an_attachment_and_logged(world):
    document = make_document(world, kind=DocumentKind.TAX_NOTICE, content=PDF_BYTES)
    document.original_filename = "C:\\Users\\agent\\Avis Martin 2025.pdf"
    document.save()
    client = world.client_for("commune")
    before = FileRead.objects.count()
    response = client.get(reverse("documents:download", args=[world.household_a.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Avis Martin 2025.pdf" in response["Content-Disposition"]
    assert "Users" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert FileRead.objects.count() == before + 1
    read = FileRead.objects.latest("pk")
    assert read.user == world.users["commune"]
    assert read.household == world.household_a
    assert read.organisation == world.orgs["commune"]
    assert read.what == f"document n° {document.pk} (Avis d'imposition)"


def test_download_of_a_missing_or_foreign_document_is_404(world):
    other = make_document(world, household=world.household_b, persona="social_b", kind=DocumentKind.LEASE)
    client = world.client_for("social_a")
    # A document of another household, reached through household A's URL.
    assert client.get(reverse("documents:download", args=[world.household_a.pk, other.pk])).status_code == 404
    document = make_document(world)
    default_storage.delete(document.file.name)
    assert (
        client.get(reverse("documents:download", args=[world.household_a.pk, document.pk])).status_code == 404
    )


def test_the_section_page_logs_the_read(world):
    make_document(world, title="Attestation Famille Martin")
    client = world.client_for("landlord")
    before = FileRead.objects.count()
    response = client.get(reverse("documents:section", args=[world.household_a.pk]), HTTP_HX_REQUEST="true")
    assert "Attestation Famille Martin" in response.content.decode()
    assert FileRead.objects.filter(
        pk__gt=before, user=world.users["landlord"], what="fiche (documents)"
    ).exists()


# --- Deletion -------------------------------------------------------------------------------------


def test_deletion_removes_the_bytes_and_keeps_the_trace(world, django_capture_on_commit_callbacks):
    document = make_document(world, title="Bail erroné")
    name = document.file.name
    client = world.client_for("mous")
    url = reverse("documents:delete", args=[world.household_a.pk, document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Document supprimé" in response.content.decode()
    document.refresh_from_db()
    assert document.is_deleted
    assert document.deleted_by == world.users["mous"]
    assert not document.file
    assert not default_storage.exists(name)
    history = list(document.history.order_by("history_date", "history_id"))
    assert [h.history_change_reason for h in history] == [services.ADDED_REASON, services.DELETED_REASON]
    assert history[-1].history_user == world.users["mous"]
    # The section lists it among the deleted documents, without a download link.
    section = client.get(reverse("documents:section", args=[world.household_a.pk]), HTTP_HX_REQUEST="true")
    body = section.content.decode()
    assert "Documents supprimés (1)" in body
    assert reverse("documents:download", args=[world.household_a.pk, document.pk]) not in body
    download = reverse("documents:download", args=[world.household_a.pk, document.pk])
    assert client.get(download).status_code == 404
    # Deleting twice says so, nothing changes.
    with pytest.raises(DomainError):
        services.document_delete(document=document, actor=world.users["mous"])


def test_a_rolled_back_deletion_keeps_the_file(world, django_capture_on_commit_callbacks):
    document = make_document(world)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True) as callbacks:
        from django.db import transaction

        with transaction.atomic():
            services.document_delete(document=document, actor=world.users["mous"])
            raise RuntimeError
    assert callbacks == []
    assert default_storage.exists(document.file.name)


def test_only_the_holder_provider_deletes_a_social_document(world):
    document = make_document(world, kind=DocumentKind.SOCIAL, persona="social_a")
    url = reverse("documents:delete", args=[world.household_a.pk, document.pk])
    assert world.client_for("mous").post(url).status_code == 404
    assert world.client_for("social_a").post(url).status_code == 302


# --- Retention, subject access --------------------------------------------------------------------


def test_anonymisation_removes_documents_rows_history_and_bytes(world, django_capture_on_commit_callbacks):
    kept = make_document(world, household=world.household_b, persona="social_b")
    current = make_document(world, title="Carte Famille Martin", kind=DocumentKind.IDENTITY)
    deleted = make_document(world, title="Ancien bail")
    names = [current.file.name, deleted.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=deleted, actor=world.users["mous"])
    with django_capture_on_commit_callbacks(execute=True):
        report = household_anonymise(
            household=world.household_a, today=dt.date(2026, 12, 1), actor=None, reason=ON_REQUEST_REASON
        )
    assert report.documents_deleted == 2
    assert not HouseholdDocument.objects.filter(household=world.household_a).exists()
    assert not HouseholdDocument.history.filter(household_id=world.household_a.pk).exists()
    for name in names:
        assert not default_storage.exists(name)
    # Another household's documents stay.
    assert default_storage.exists(kept.file.name)
    assert HouseholdDocument.objects.filter(pk=kept.pk).exists()


def test_subject_access_lists_the_documents_and_holds_their_files(world):
    current = make_document(world, kind=DocumentKind.SOCIAL, persona="social_a", title="Rapport social")
    current.original_filename = "rapport.pdf"
    current.save()
    make_document(world, household=world.household_b, persona="social_b", title="Autre ménage")
    export = subject_access(world.household_a)
    section = next(s for s in export.sections if s.table.archive_name == "documents")
    assert len(section.records) == 1
    assert ("intitulé", "Rapport social") in section.records[0].values
    archive = zipfile.ZipFile(io.BytesIO(archive_bytes(export)))
    assert archive.read(f"fichiers/{current.pk}-rapport.pdf") == PDF_BYTES
    assert not [
        n
        for n in archive.namelist()
        if n.startswith("fichiers/") and n != f"fichiers/{current.pk}-rapport.pdf"
    ]
