"""The exchange's tasks (huey, docs/operations.md § Tasks): imports and large exports run in the task
worker, and the scheduler sweeps lost jobs and deletes old files.

A job is enqueued once its row is committed (else the worker could look for a row it cannot see yet).
In immediate mode (tests, ``TASKS_IMMEDIATE``) there is no worker: the task runs at once, in the
caller.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from relogement.core.request_id import current_request_id, request_id_context
from relogement.exchange import jobs
from relogement.exchange.models import ExportJob, ImportJob, ImportJobStatus
from relogement.exchange.notifications import notify_export_ready

logger = logging.getLogger(__name__)

UNREACHABLE = (
    "Le serveur de tâches est injoignable ; le traitement n'a pas pu être lancé. Réessayez plus tard."
)


@db_task()
def import_file(job_id: int, request_id: str = "") -> None:
    with request_id_context(request_id):
        jobs.run_job(job_id)


@db_task()
def export_file(job_id: int, request_id: str = "") -> None:
    with request_id_context(request_id):
        if jobs.run_export(job_id):
            notify_export_ready(ExportJob.objects.select_related("created_by").get(pk=job_id))


def _enqueue(task, model, job_id: int) -> None:
    request_id = current_request_id()

    def send() -> None:
        try:
            task(job_id, request_id)
        except Exception:
            # The queue (Redis, the SQLite file) is down: say so now rather than leave the job waiting.
            logger.exception("Mise en file du traitement %s %s impossible", model.__name__, job_id)
            model.objects.filter(pk=job_id, status=ImportJobStatus.PENDING).update(
                status=ImportJobStatus.FAILED,
                finished_at=timezone.now(),
                error=UNREACHABLE,
                **model.reset_when_lost,
            )

    if HUEY.immediate:
        send()
    else:
        transaction.on_commit(send)


def enqueue_import(job: ImportJob) -> None:
    _enqueue(import_file, ImportJob, job.pk)


def enqueue_export(job: ExportJob) -> None:
    _enqueue(export_file, ExportJob, job.pk)


@db_periodic_task(crontab(minute="*/5"))
def sweep_interrupted_jobs() -> None:
    counts = jobs.fail_interrupted_jobs()
    if any(counts.values()):
        logger.warning("Traitements interrompus enregistrés en échec : %s", counts)


@db_periodic_task(crontab(minute="17"))
@lock_task("exchange-file-clean-up")
def remove_old_files() -> None:
    """Hourly: exports older than a day, and files no job points at (docs/personal-data.md)."""
    exports = jobs.remove_old_exports()
    orphans = jobs.remove_orphan_files()
    logger.info("Fichiers d'échange supprimés : %s export(s) ancien(s), %s orphelin(s).", exports, orphans)
