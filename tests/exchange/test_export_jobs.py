"""Large exports are written in the background and downloaded from their page, by their author only."""

import datetime as dt
import html
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from relogement.exchange import jobs
from relogement.exchange.models import ExportJob
from relogement.exchange.readers import read_upload


@pytest.fixture
def background(settings):
    """Every export goes through a job (the threshold at 0), whose task the test settings run at once
    (huey's immediate mode) instead of a worker."""
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    assert HUEY.immediate


def _start(client, **params):
    response = client.get(reverse("exchange:export"), params)
    assert response.status_code == 302, response.content[:300]
    return ExportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_a_large_export_becomes_a_job_whose_file_is_the_export(world, background, settings):
    client = world.client_for("mous")
    job = _start(client, format="xlsx")
    assert job.status == "done" and job.total == job.done == 2 and job.named
    page = client.get(reverse("exchange:export_job", args=[job.pk])).content.decode()
    assert "L'export est prêt (2 ménages)" in page and 'hx-trigger="every 1s"' not in page
    download = client.get(reverse("exchange:export_download", args=[job.pk]))
    assert download.status_code == 200 and job.filename in download["Content-Disposition"]
    from_job = read_upload(io.BytesIO(b"".join(download.streaming_content)), "x.xlsx")
    settings.EXCHANGE_EXPORT_INLINE_MAX = 100
    direct = client.get(reverse("exchange:export"), {"format": "xlsx"})
    assert direct.status_code == 200
    from_request = read_upload(io.BytesIO(direct.content), "x.xlsx")
    assert from_job["menages"].rows == from_request["menages"].rows
    assert from_job["propositions"].rows == from_request["propositions"].rows


def test_only_the_author_reaches_the_job_and_its_file(world, background):
    job = _start(world.client_for("mous"), format="csv")
    for persona in ("commune", "metropolis", "social_a", "admin"):
        client = world.client_for(persona)
        for name in ("exchange:export_job", "exchange:export_job_progress", "exchange:export_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (persona, name)


def test_a_job_keeps_its_scope_and_hides_names_for_pseudonymised_roles(world, background):
    job = _start(world.client_for("metropolis"), format="csv", projet=world.other_project.pk)
    assert job.total == 1 and not job.named
    download = world.client_for("metropolis").get(reverse("exchange:export_download", args=[job.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        lines = archive.read("menages.csv").decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    row = dict(zip(header, lines[1].split(";"), strict=True))
    assert len(lines) == 2 and row["ref_menage"] == "ALMA-001" and row["nom_referent"] == ""


def test_a_failed_export_says_so_and_has_no_file(world, background, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(jobs, "write_export", broken)
    job = _start(world.client_for("mous"), format="ods")
    assert job.status == "failed" and not job.file_path
    client = world.client_for("mous")
    page = client.get(reverse("exchange:export_job_progress", args=[job.pk])).content.decode()
    assert "raison technique" in page
    assert client.get(reverse("exchange:export_download", args=[job.pk])).status_code == 404


def test_progress_polls_while_running_and_a_lost_job_is_failed(world):
    job = ExportJob.objects.create(
        created_by=world.users["mous"],
        organisation=world.orgs["mous"],
        format="xlsx",
        status="running",
        total=10,
        done=4,
        filename="x.xlsx",
    )
    client = world.client_for("mous")
    page = client.get(reverse("exchange:export_job_progress", args=[job.pk])).content.decode()
    assert "4 / 10 ménages écrits" in page and 'hx-trigger="every 1s"' in page
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    page = client.get(reverse("exchange:export_job", args=[job.pk])).content.decode()
    message = "Le traitement a été interrompu (redémarrage du serveur de tâches) ; relancez l'export."
    assert message in html.unescape(page) and 'hx-trigger="every 1s"' not in page
    job.refresh_from_db()
    assert job.status == "failed" and job.error == message and job.finished_at is not None


def test_exported_files_are_deleted_after_a_day(world, background):
    client = world.client_for("mous")
    old = _start(client, format="csv")
    path = Path(default_storage.path(old.file_path))
    assert path.is_file()
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
    _start(world.client_for("commune"), format="csv")  # any new export clears the old files
    assert not path.exists() and not path.parent.exists()
    page = client.get(reverse("exchange:export_job", args=[old.pk])).content.decode()
    assert "a été supprimé" in page
    assert client.get(reverse("exchange:export_download", args=[old.pk])).status_code == 404


def test_a_named_background_export_is_logged_as_reads(world, background):
    from relogement.audit.models import FileRead

    _start(world.client_for("mous"), format="csv")
    assert FileRead.objects.filter(what="export fichier de suivi").count() == 2
