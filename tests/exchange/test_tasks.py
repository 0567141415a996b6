"""Imports and exports as tasks of the task queue: enqueued on commit, lost jobs recorded as failed
with a French message, files in the shared storage under private names, the export-done e-mail."""

import datetime as dt
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from relogement.exchange import jobs, tasks
from relogement.exchange.models import ExportJob, ImportJob
from tests.exchange.files import csv_bytes, menage

INTERRUPTED = "Le traitement a été interrompu (redémarrage du serveur de tâches) ; relancez l'{}."
NOT_STARTED = (
    "Le traitement n'a pas démarré (serveur de tâches arrêté ou file d'attente perdue) ; relancez l'{}."
)


def _ago(**delta):
    return timezone.now() - dt.timedelta(**delta)


def _import_job(world, **fields):
    job = ImportJob.objects.create(
        created_by=world.users["mous"], organisation=world.orgs["mous"], filename="x.xlsx", **fields
    )
    return job


def _export_job(world, **fields):
    return ExportJob.objects.create(
        created_by=world.users["mous"],
        organisation=world.orgs["mous"],
        format="csv",
        filename="x.zip",
        **fields,
    )


# --- the sweeper of lost jobs -------------------------------------------------------------------------


def test_the_sweeper_fails_jobs_whose_worker_went_silent(world, settings):
    settings.JOBS_STALE_MINUTES, settings.JOBS_PENDING_MAX_MINUTES = 15, 360
    upload = jobs.store_upload(SimpleUploadedFile("menages.csv", csv_bytes([menage()])))
    silent_import = _import_job(world, status="running", phase="Vérification", source_path=upload)
    silent_export = _export_job(world, status="running")
    alive_import = _import_job(world, status="running")
    lost_in_queue = _export_job(world, status="pending")
    waiting = _import_job(world, status="pending")
    finished = _export_job(world, status="done")
    ImportJob.objects.filter(pk=silent_import.pk).update(heartbeat_at=_ago(minutes=16))
    ExportJob.objects.filter(pk=silent_export.pk).update(created_at=_ago(hours=1), heartbeat_at=None)
    # Started three hours ago, but its last progress write is recent: still working.
    ImportJob.objects.filter(pk=alive_import.pk).update(
        created_at=_ago(hours=3), heartbeat_at=_ago(minutes=2)
    )
    ExportJob.objects.filter(pk=lost_in_queue.pk).update(created_at=_ago(hours=7))
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=_ago(hours=1))
    ExportJob.objects.filter(pk=finished.pk).update(created_at=_ago(days=3), heartbeat_at=_ago(days=3))

    tasks.sweep_interrupted_jobs()

    for job in (silent_import, silent_export, alive_import, lost_in_queue, waiting, finished):
        job.refresh_from_db()
    assert (silent_import.status, silent_import.error, silent_import.phase) == (
        "failed",
        INTERRUPTED.format("import"),
        "",
    )
    assert silent_import.finished_at is not None
    assert not default_storage.exists(upload) and silent_import.source_path == ""
    assert (silent_export.status, silent_export.error) == ("failed", INTERRUPTED.format("export"))
    assert (lost_in_queue.status, lost_in_queue.error) == ("failed", NOT_STARTED.format("export"))
    assert alive_import.status == "running" and waiting.status == "pending" and finished.status == "done"
    assert alive_import.error == waiting.error == finished.error == ""


def test_a_task_delivered_after_its_job_was_failed_does_nothing(world):
    job = _export_job(world, status="failed", error=INTERRUPTED.format("export"))
    tasks.export_file(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.file_path == "" and job.total == 0


def test_the_page_of_a_lost_job_stops_polling_and_says_to_start_again(world):
    job = _export_job(world, status="running", total=10, done=3)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=_ago(minutes=30))
    page = world.client_for("mous").get(reverse("exchange:export_job_progress", args=[job.pk]))
    text = page.content.decode().replace("&#x27;", "'")
    assert INTERRUPTED.format("export") in text and 'hx-trigger="every 1s"' not in text


def test_a_locked_database_leaves_the_page_readable(world, monkeypatch):
    """SQLite: an import holding the write lock makes recording a lost job wait then fail; the page
    still answers (the sweep will look again)."""
    from django.db import OperationalError

    job = _export_job(world, status="running", total=10, done=3)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=_ago(minutes=30))

    def locked(**filters):
        raise OperationalError("database is locked")

    monkeypatch.setattr(ExportJob, "fail_interrupted", locked)
    page = world.client_for("mous").get(reverse("exchange:export_job_progress", args=[job.pk]))
    assert page.status_code == 200 and "3 / 10 ménages écrits" in page.content.decode()


# --- enqueueing -----------------------------------------------------------------------------------------


def test_with_a_worker_the_task_is_enqueued_once_the_job_is_committed(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    sent = []
    monkeypatch.setattr(tasks, "HUEY", SimpleNamespace(immediate=False))
    monkeypatch.setattr(tasks, "export_file", lambda job_id, request_id: sent.append((job_id, request_id)))
    with django_capture_on_commit_callbacks() as callbacks:
        response = world.client_for("mous").get(
            reverse("exchange:export"), {"format": "csv"}, HTTP_X_REQUEST_ID="r-42"
        )
        assert response.status_code == 302 and sent == []  # nothing sent before the commit
    job = ExportJob.objects.get()
    assert job.status == "pending" and len(callbacks) == 1
    callbacks[0]()
    # The worker's log lines carry the id of the request that started the job.
    assert sent == [(job.pk, "r-42")]


def test_an_unreachable_queue_fails_the_job_with_a_french_message(world, monkeypatch):
    def unreachable(*args):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(tasks, "import_file", unreachable)
    client = world.client_for("mous")
    upload = SimpleUploadedFile("menages.csv", csv_bytes([menage()]), content_type="text/csv")
    response = client.post(reverse("exchange:import"), {"fichier": upload})
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.error == tasks.UNREACHABLE
    page = client.get(response.url).content.decode().replace("&#x27;", "'")
    assert tasks.UNREACHABLE in page


# --- storage --------------------------------------------------------------------------------------------


def test_exports_are_stored_under_private_names_that_no_url_serves(world, settings):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    client = world.client_for("mous")
    response = client.get(reverse("exchange:export"), {"format": "xlsx"})
    job = ExportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert re.fullmatch(r"exchange/exports/[0-9a-f]{32}/" + re.escape(job.filename), job.file_path)
    path = Path(default_storage.path(job.file_path))
    assert path.is_relative_to(settings.MEDIA_ROOT)
    # Readable by the application's user only, like its folder.
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    # No URL serves the storage: only the scoped view, for the author.
    for url in ("/" + job.file_path, "/media/" + job.file_path, f"{settings.MEDIA_URL}{job.file_path}"):
        with pytest.raises(Resolver404):
            resolve(url)
        assert client.get(url).status_code == 404
    download = client.get(reverse("exchange:export_download", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    for persona in ("commune", "social_a", "admin", "metropolis"):
        other = world.client_for(persona).get(reverse("exchange:export_download", args=[job.pk]))
        assert other.status_code == 404, persona


def test_a_file_missing_from_the_storage_is_a_404_not_an_error(world, settings):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    client = world.client_for("mous")
    response = client.get(reverse("exchange:export"), {"format": "csv"})
    job = ExportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    default_storage.delete(job.file_path)
    assert client.get(reverse("exchange:export_download", args=[job.pk])).status_code == 404


def test_orphan_files_older_than_a_day_are_deleted_by_the_scheduler(world):
    orphan = default_storage.save("exchange/exports/" + "a" * 32 + "/vieux.zip", ContentFile(b"x"))
    fresh_orphan = default_storage.save("exchange/imports/" + "b" * 32 + "/source.csv", ContentFile(b"x"))
    kept_upload = jobs.store_upload(SimpleUploadedFile("menages.csv", b"x"))
    _import_job(world, status="pending", source_path=kept_upload)
    old = (timezone.now() - dt.timedelta(days=2)).timestamp()
    for name in (orphan, kept_upload):
        os.utime(default_storage.path(name), (old, old))

    tasks.remove_old_files()

    assert not default_storage.exists(orphan) and not Path(default_storage.path(orphan)).parent.exists()
    assert default_storage.exists(fresh_orphan) and default_storage.exists(kept_upload)


# --- the e-mail ---------------------------------------------------------------------------------------


def test_the_author_is_emailed_in_french_when_the_export_is_ready(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    settings.SITE_URL = "https://relogement.example.org"
    user = world.users["mous"]
    user.email = "mous@example.org"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("mous").get(reverse("exchange:export"), {"format": "csv"})
    job = ExportJob.objects.get()
    assert job.status == "done" and len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "Votre export est prêt" and message.to == ["mous@example.org"]
    assert f"https://relogement.example.org/echanges/export/{job.pk}/" in message.body
    assert job.filename in message.body and "conservé 1 jour" in message.body
    assert "Bonjour" in message.body and "aucune donnée sur les ménages" in message.body
    # Nothing about the households: no name, no reference, no count.
    for household in (world.household_a, world.household_b, world.household_other):
        assert household.reference not in message.body and household.reference_name not in message.body
    assert "ménages écrits" not in message.body and not re.search(r"\b2 ménages\b", message.body)


def test_no_email_for_a_user_without_an_address_nor_for_a_failed_export(
    world, settings, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("mous").get(reverse("exchange:export"), {"format": "csv"})
    assert ExportJob.objects.get().status == "done" and mailoutbox == []
    user = world.users["mous"]
    user.email = "mous@example.org"
    user.save()

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(jobs, "write_export", broken)
    with django_capture_on_commit_callbacks(execute=True):
        world.client_for("mous").get(reverse("exchange:export"), {"format": "csv"})
    assert ExportJob.objects.filter(status="failed").count() == 1 and mailoutbox == []


def test_the_scheduler_sweeps_every_five_minutes_and_cleans_files_hourly():
    def due(hour, minute):
        return {type(task) for task in HUEY.read_periodic(dt.datetime(2026, 12, 3, hour, minute))}

    assert tasks.sweep_interrupted_jobs.task_class in due(9, 5)
    assert tasks.sweep_interrupted_jobs.task_class not in due(9, 6)
    assert tasks.remove_old_files.task_class in due(9, 17) and tasks.remove_old_files.task_class not in due(
        9, 18
    )
