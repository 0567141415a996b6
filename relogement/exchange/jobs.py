"""What the background jobs of follow-up files do (imports, and exports too large to wait for), and where
their files live.

The jobs run in the task worker (``tasks.py``, huey; docs/operations.md § Tasks) and write their progress
to their ``ImportJob`` or ``ExportJob`` row, which the page polls (htmx, every second). Each progress
write also refreshes the row's ``heartbeat_at``: a job whose worker died (restart, crash) stops
refreshing it, and ``fail_interrupted_jobs`` records it as failed with a French message instead of
leaving it « en cours » forever.

Files go through Django's storage API (``default_storage``: ``MEDIA_ROOT``, a volume every web and
worker process shares, or object storage), under private names that no URL serves: an upload waits
there for the worker, an export for its author, who downloads it through the scoped view. A worker
copies an upload to a folder of its own before reading it, since the readers take a local path.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import shutil
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.utils import timezone

from relogement.accounts.models import OrganisationKind
from relogement.exchange.exporter import export_rows, write_export
from relogement.exchange.importer import exchange_import
from relogement.exchange.models import ExportJob, ExportKind, ImportJob, ImportJobStatus
from relogement.exchange.readers import ContainerError, read_path
from relogement.exchange.report import ImportReport
from relogement.households.models import Household
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Project

logger = logging.getLogger(__name__)

# Storage folders (names relative to the storage's root; never under a served URL).
IMPORTS_FOLDER = "exchange/imports"
EXPORTS_FOLDER = "exchange/exports"
# A folder name holding the two CSV files of one import (read as a folder).
CSV_PAIR = ("menages.csv", "propositions.csv")
EXPORTS_KEPT = dt.timedelta(days=1)


def importable_project_ids(user) -> list[int] | None:
    """Administrators import into any project; a project office only into its own (None: all)."""
    org = organisation_of(user)
    if user.is_superuser or (org is not None and org.kind == OrganisationKind.ADMIN):
        return None
    return list(Project.objects.visible_to(user).values_list("pk", flat=True))


def _private_folder(root: str) -> str:
    # Unguessable, so that two jobs never share a folder and a name says nothing about its content.
    return f"{root}/{secrets.token_hex(16)}"


def store_upload(upload, extra=None) -> str:
    """Save the uploaded file(s) to the storage; returns the storage name the job imports: the file's,
    or for two CSV files (menages + propositions) their folder's, ending with « / »."""
    folder = _private_folder(IMPORTS_FOLDER)
    if extra is not None:
        default_storage.save(f"{folder}/{CSV_PAIR[0]}", upload)
        default_storage.save(f"{folder}/{CSV_PAIR[1]}", extra)
        return f"{folder}/"
    suffix = Path(upload.name).suffix.lower()
    return default_storage.save(f"{folder}/source{suffix}", upload)


def _local_copy(name: str, filename: str) -> Path:
    """Copy a stored upload into a private folder of this worker; returns the path to read (the file,
    under its uploaded name so that messages quote it, or the folder of the two CSV files)."""
    folder = Path(tempfile.mkdtemp(prefix="relogement-import-"))
    if name.endswith("/"):
        for member in CSV_PAIR:
            if default_storage.exists(name + member):
                _copy_out(name + member, folder / member)
        return folder
    local = Path(filename).name
    if local in ("", ".", ".."):
        local = "fichier" + Path(name).suffix
    _copy_out(name, folder / local)
    return folder / local


def _copy_out(name: str, target: Path) -> None:
    with default_storage.open(name, "rb") as source, target.open("wb") as handle:
        shutil.copyfileobj(source, handle, 1024 * 1024)


def delete_stored(name: str) -> None:
    """Delete a stored upload or export (a file, or a CSV pair's folder)."""
    if not name:
        return
    if name.endswith("/"):
        folder = name
        for member in CSV_PAIR:
            default_storage.delete(folder + member)
    else:
        folder = name.rpartition("/")[0] + "/"
        default_storage.delete(name)
    _remove_empty_folder(folder)


def _save_progress(job_id: int, phase: str, done: int, total: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        phase=phase, done=done, total=total, heartbeat_at=timezone.now()
    )


def _claim(model, job_id: int, **fields) -> bool:
    """Mark a pending job running; False when it is not pending any more (already run, or recorded as
    failed while it waited: a task delivered twice or too late does nothing)."""
    started = model.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).update(
        status=ImportJobStatus.RUNNING, heartbeat_at=timezone.now(), **fields
    )
    return started == 1


def run_job(job_id: int) -> None:
    """Import a stored upload as the job's author, acting for the organisation it was made for."""
    job = ImportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    if not _claim(ImportJob, job_id, phase="Lecture du fichier"):
        logger.warning("Import %s ignoré : il n'est plus en attente (%s).", job_id, job.status)
        return
    user = job.created_by
    user.active_organisation = job.organisation
    if connection.vendor == "sqlite":
        # Keep the import transaction in memory until commit so that the polling page can still read.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    local = None
    try:
        try:
            local = _local_copy(job.source_path, job.filename)
            sheets = read_path(
                local, progress=lambda phase, done, total: _save_progress(job_id, phase, done, total)
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
        if local is not None:
            shutil.rmtree(local if local.is_dir() else local.parent, ignore_errors=True)
        delete_stored(job.source_path)
        ImportJob.objects.filter(pk=job_id).update(source_path="")


# --- exports ----------------------------------------------------------------------------------------


def _job_user(job: ExportJob):
    """The job's author, acting for the organisation the job was made for."""
    user = job.created_by
    user.active_organisation = job.organisation
    return user


def export_households(job: ExportJob):
    """The households an export job covers: its author's scope (as the organisation it acted for)."""
    households = Household.objects.visible_to(_job_user(job))
    if job.project_id is not None:
        households = households.filter(project_id=job.project_id)
    return households


def _export_progress(job_id: int, done: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(done=done, heartbeat_at=timezone.now())


def run_export(job_id: int) -> bool:
    """Write the export into the storage; True when the file is ready (the author is then told).
    A follow-up file (exchange format), or the household list with its filters (households.exports)."""
    from relogement.households import exports as list_exports

    job = ExportJob.objects.select_related("created_by", "organisation").get(pk=job_id)
    listing = job.kind == ExportKind.LIST
    user = _job_user(job)
    total = list_exports.job_total(job, user) if listing else export_households(job).count()
    if not _claim(ExportJob, job_id, total=total):
        logger.warning("Export %s ignoré : il n'est plus en attente (%s).", job_id, job.status)
        return False
    name = ""
    try:
        # Written locally first: the zip and workbook writers seek, which object storage cannot.
        with tempfile.TemporaryFile() as handle:
            if listing:
                list_exports.write_job(
                    job, user, handle, progress=lambda done: _export_progress(job_id, done)
                )
            else:
                rows = export_rows(
                    export_households(job),
                    viewer=user,  # acting for job.organisation
                    progress=lambda done: _export_progress(job_id, done),
                )
                write_export(handle, rows, job.format)
            handle.seek(0)
            name = default_storage.save(f"{_private_folder(EXPORTS_FOLDER)}/{job.filename}", File(handle))
        ExportJob.objects.filter(pk=job_id).update(
            status=ImportJobStatus.DONE, file_path=name, finished_at=timezone.now()
        )
        return True
    except Exception:
        logger.exception("Export %s en échec", job_id)
        delete_stored(name)
        ExportJob.objects.filter(pk=job_id).update(status=ImportJobStatus.FAILED, finished_at=timezone.now())
        return False


def remove_old_exports() -> int:
    """Exported files hold personal data: files of exports finished more than a day ago are deleted
    (the job row stays, without its file). Run whenever an export starts and by the scheduler."""
    old = list(ExportJob.objects.filter(finished_at__lt=timezone.now() - EXPORTS_KEPT).exclude(file_path=""))
    for job in old:
        delete_stored(job.file_path)
    # A list's filters may hold a searched name: they go with the file.
    ExportJob.objects.filter(pk__in=[job.pk for job in old]).update(file_path="", filters={})
    return len(old)


def remove_orphan_files() -> int:
    """Delete stored uploads and exports that no job points at any more and that are older than a day:
    left by a worker killed before its clean-up, or by a job row deleted with its author."""
    referenced = set(ImportJob.objects.exclude(source_path="").values_list("source_path", flat=True))
    referenced |= set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
    limit = timezone.now() - EXPORTS_KEPT
    removed = 0
    for root in (IMPORTS_FOLDER, EXPORTS_FOLDER):
        try:
            folders, _ = default_storage.listdir(root)
        except FileNotFoundError:
            continue
        for folder in folders:
            prefix = f"{root}/{folder}/"
            _, files = default_storage.listdir(prefix)
            old = [
                prefix + filename
                for filename in files
                if prefix + filename not in referenced
                and prefix not in referenced
                and default_storage.get_modified_time(prefix + filename) < limit
            ]
            for name in old:
                default_storage.delete(name)
            if old:
                _remove_empty_folder(prefix)
            removed += len(old)
    return removed


def _remove_empty_folder(prefix: str) -> None:
    # Object storage has no folders; on a file system, an emptied job folder goes too.
    try:
        Path(default_storage.path(prefix)).rmdir()
    except (OSError, NotImplementedError):
        pass


# --- interrupted jobs -------------------------------------------------------------------------------


def fail_interrupted_jobs() -> dict[str, int]:
    """Record as failed, with a French message, every job whose worker stopped giving signs of life
    (``JobProgress.fail_interrupted``), and delete the uploads of the imports among them. Returns the
    number of jobs failed per kind."""
    counts = {}
    for model in (ImportJob, ExportJob):
        try:
            failed = model.fail_interrupted()
        except OperationalError:
            # SQLite: a running import holds the write lock; the next round will see it again.
            logger.warning(
                "Balayage des traitements interrompus (%s) reporté : base occupée.", model.__name__
            )
            failed = []
        if model is ImportJob:
            for job in ImportJob.objects.filter(pk__in=failed).exclude(source_path=""):
                delete_stored(job.source_path)
            ImportJob.objects.filter(pk__in=failed).update(source_path="")
        counts[model.__name__] = len(failed)
    return counts
