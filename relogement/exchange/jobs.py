"""Background processing of follow-up files (imports, and exports too large to wait for), with nothing
but the database.

A job runs in a daemon thread of the web process and writes its progress to its ``ImportJob`` or
``ExportJob`` row, which the page polls (htmx, every second). No broker: the demo runs on SQLite alone.
Import progress rows are written outside the import transaction, so the write phase (one transaction)
shows as a single step. Set ``EXCHANGE_IMPORTS_INLINE = True`` (tests) to run jobs in the request
instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from relogement.accounts.models import OrganisationKind
from relogement.exchange.exporter import export_rows, write_export
from relogement.exchange.importer import exchange_import
from relogement.exchange.models import ExportJob, ImportJob, ImportJobStatus
from relogement.exchange.readers import ContainerError, read_path
from relogement.exchange.report import ImportReport
from relogement.households.models import Household
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Project

logger = logging.getLogger(__name__)


def importable_project_ids(user) -> list[int] | None:
    """Administrators import into any project; a project office only into its own (None: all)."""
    org = organisation_of(user)
    if user.is_superuser or (org is not None and org.kind == OrganisationKind.ADMIN):
        return None
    return list(Project.objects.visible_to(user).values_list("pk", flat=True))


def store_upload(upload, extra=None) -> str:
    """Copy the uploaded file(s) into a private temporary folder; returns the path to import."""
    folder = Path(tempfile.mkdtemp(prefix="relogement-import-"))
    os.chmod(folder, 0o700)
    name = Path(upload.name).name
    if extra is not None:
        # Two CSV files: menages + propositions, read as a folder.
        with (folder / "menages.csv").open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with (folder / "propositions.csv").open("wb") as handle:
            for chunk in extra.chunks():
                handle.write(chunk)
        return str(folder)
    target = folder / name
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return str(target)


def _save_progress(job_id: int, phase: str, done: int, total: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(phase=phase, done=done, total=total)


def run_job(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    user = job.created_by
    user.active_organisation = job.organisation
    ImportJob.objects.filter(pk=job_id).update(status=ImportJobStatus.RUNNING, phase="Lecture du fichier")
    if connection.vendor == "sqlite":
        # Keep the import transaction in memory until commit so that the polling page can still read.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        try:
            sheets = read_path(
                job.source_path,
                progress=lambda phase, done, total: _save_progress(job_id, phase, done, total),
            )
        except ContainerError as exc:
            report = ImportReport(dry_run=job.dry_run)
            report.error("fichier", None, "", job.filename, str(exc))
        else:
            report = exchange_import(
                sheets=sheets,
                actor=user,
                dry_run=job.dry_run,
                allowed_project_ids=importable_project_ids(user),
                progress=lambda phase, done, total: _save_progress(job_id, phase, done, total),
            )
        status = ImportJobStatus.DONE if report.valid else ImportJobStatus.INVALID
        ImportJob.objects.filter(pk=job_id).update(
            status=status, report=report.as_dict(), phase="", finished_at=timezone.now()
        )
    except Exception:
        logger.exception("Import %s en échec", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJobStatus.FAILED, phase="", finished_at=timezone.now()
        )
    finally:
        _cleanup(job.source_path)


def _cleanup(path: str) -> None:
    if not path:
        return
    target = Path(path)
    folder = target if target.is_dir() else target.parent
    if folder.name.startswith("relogement-import-"):
        shutil.rmtree(folder, ignore_errors=True)


def _in_thread(run, job_id: int) -> None:
    """A job's thread: a database connection of its own, closed when the job ends."""
    close_old_connections()
    try:
        run(job_id)
    finally:
        connection.close()


def _start(run, job_id: int, name: str) -> None:
    """Runs the job now (``EXCHANGE_IMPORTS_INLINE``: tests, command line) or in a background thread."""
    if inline():
        run(job_id)
        return
    threading.Thread(target=_in_thread, args=(run, job_id), name=f"{name}-{job_id}", daemon=True).start()


def inline() -> bool:
    return bool(getattr(settings, "EXCHANGE_IMPORTS_INLINE", False))


def start_job(job: ImportJob) -> None:
    _start(run_job, job.pk, "import")


# --- exports ----------------------------------------------------------------------------------------

EXPORT_PREFIX = "relogement-export-"
EXPORTS_KEPT = dt.timedelta(days=1)


def export_households(job: ExportJob):
    """The households an export job covers: its author's scope (as the organisation it acted for)."""
    user = job.created_by
    user.active_organisation = job.organisation
    households = Household.objects.visible_to(user)
    if job.project_id is not None:
        households = households.filter(project_id=job.project_id)
    return households


def run_export(job_id: int) -> None:
    job = ExportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    households = export_households(job)
    ExportJob.objects.filter(pk=job_id).update(status=ImportJobStatus.RUNNING, total=households.count())
    folder = Path(tempfile.mkdtemp(prefix=EXPORT_PREFIX))
    os.chmod(folder, 0o700)
    target = folder / job.filename
    try:
        rows = export_rows(
            households,
            viewer=job.created_by,  # acting for job.organisation (export_households)
            progress=lambda done: ExportJob.objects.filter(pk=job_id).update(done=done),
        )
        with target.open("wb") as handle:
            write_export(handle, rows, job.format)
        ExportJob.objects.filter(pk=job_id).update(
            status=ImportJobStatus.DONE, file_path=str(target), finished_at=timezone.now()
        )
    except Exception:
        logger.exception("Export %s en échec", job_id)
        shutil.rmtree(folder, ignore_errors=True)
        ExportJob.objects.filter(pk=job_id).update(status=ImportJobStatus.FAILED, finished_at=timezone.now())


def start_export(job: ExportJob) -> None:
    _start(run_export, job.pk, "export")


def remove_old_exports() -> int:
    """Exported files hold personal data: files older than a day are deleted whenever an export starts
    (the job row stays, without its file)."""
    old = list(ExportJob.objects.filter(finished_at__lt=timezone.now() - EXPORTS_KEPT).exclude(file_path=""))
    for job in old:
        _remove_export_file(job.file_path)
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).update(file_path="")
    return len(old)


def _remove_export_file(path: str) -> None:
    folder = Path(path).parent
    if folder.name.startswith(EXPORT_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
