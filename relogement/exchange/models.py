"""Background jobs: an uploaded follow-up file imported, or a large perimeter exported, with progress."""

import datetime as dt

from django.conf import settings
from django.db import OperationalError, models, transaction
from django.db.models import Q
from django.utils import timezone


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    INVALID = "invalid", "Fichier refusé"
    FAILED = "failed", "Échec technique"


UNFINISHED = (ImportJobStatus.PENDING, ImportJobStatus.RUNNING)


class ExportKind(models.TextChoices):
    FOLLOWUP = "suivi", "Fichier de suivi"
    LIST = "liste", "Liste des ménages"


class JobProgress:
    """What the progress pages read from a background job (``status``, ``done``, ``total``), and how a
    job whose worker died is recognised.

    A running job refreshes ``heartbeat_at`` with each progress write. One silent for
    ``JOBS_STALE_MINUTES`` lost its worker (restarted or killed: the task queue does not run a task
    again once a worker took it); one still waiting ``JOBS_PENDING_MAX_MINUTES`` after its creation lost
    its queued task (queue emptied). Either is recorded as failed with a French message saying to
    start again, by the scheduler's sweep (``jobs.fail_interrupted_jobs``) or when its page is read.
    """

    # Fields reset when a lost job is recorded as failed.
    reset_when_lost: dict = {}
    # What the author is told: « l'import » or « l'export ».
    noun = ""

    @classmethod
    def interrupted_message(cls) -> str:
        return f"Le traitement a été interrompu (redémarrage du serveur de tâches) ; relancez {cls.noun}."

    @classmethod
    def not_started_message(cls) -> str:
        return (
            "Le traitement n'a pas démarré (serveur de tâches arrêté ou file d'attente perdue) ; "
            f"relancez {cls.noun}."
        )

    @classmethod
    def _lost(cls):
        now = timezone.now()
        silent = now - dt.timedelta(minutes=settings.JOBS_STALE_MINUTES)
        waited = now - dt.timedelta(minutes=settings.JOBS_PENDING_MAX_MINUTES)
        running = Q(status=ImportJobStatus.RUNNING) & (
            Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, created_at__lt=silent)
        )
        pending = Q(status=ImportJobStatus.PENDING, created_at__lt=waited)
        return running, pending

    @classmethod
    def fail_interrupted(cls, **filters) -> list[int]:
        """Record the lost jobs among ``filters`` as failed; returns their ids.

        A row locked by another transaction is skipped (PostgreSQL): an import holds its job row while
        its write transaction runs, which is itself a sign of life."""
        running, pending = cls._lost()
        failed = []
        with transaction.atomic():
            for condition, message in (
                (running, cls.interrupted_message()),
                (pending, cls.not_started_message()),
            ):
                ids = list(
                    cls.objects.filter(condition, **filters)
                    .select_for_update(skip_locked=True, no_key=True)
                    .values_list("pk", flat=True)
                )
                cls.objects.filter(pk__in=ids, status__in=UNFINISHED).update(
                    status=ImportJobStatus.FAILED,
                    finished_at=timezone.now(),
                    error=message,
                    **cls.reset_when_lost,
                )
                failed += ids
        return failed

    def fail_if_lost(self) -> None:
        """Record this job as failed if its worker was lost (read when its page is shown, so that the
        author learns it even when no scheduler runs)."""
        if self.finished or not self.looks_lost():
            return
        try:
            type(self).fail_interrupted(pk=self.pk)
        except OperationalError:
            # SQLite: an import holds the write lock (so something is alive); the page shows the job as
            # it is rather than fail, and the scheduler's sweep looks again later.
            return
        self.refresh_from_db()

    def looks_lost(self) -> bool:
        # Checked in Python first: the page writes only when the job really looks lost.
        now = timezone.now()
        if self.status == ImportJobStatus.PENDING:
            return self.created_at < now - dt.timedelta(minutes=settings.JOBS_PENDING_MAX_MINUTES)
        last = self.heartbeat_at or self.created_at
        return last < now - dt.timedelta(minutes=settings.JOBS_STALE_MINUTES)

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.INVALID, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ImportJob(JobProgress, models.Model):
    reset_when_lost = {"phase": ""}
    noun = "l'import"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name="par"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pour"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    filename = models.CharField("fichier", max_length=255)
    # The storage name of the uploaded file (or of the folder of two CSV files, ending with « / »), where
    # it waits for the worker; deleted once processed.
    source_path = models.CharField(max_length=500, blank=True, editable=False)
    dry_run = models.BooleanField("simulation", default=False)
    status = models.CharField(
        "état", max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    phase = models.CharField("étape", max_length=100, blank=True)
    done = models.PositiveIntegerField("lignes traitées", default=0)
    total = models.PositiveIntegerField("lignes à traiter", default=0)
    report = models.JSONField("rapport", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    # Why a failed job failed, when the author can act on it (interrupted worker: start again).
    error = models.CharField("erreur", max_length=300, blank=True)

    class Meta:
        verbose_name = "import de fichier de suivi"
        verbose_name_plural = "imports de fichiers de suivi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ExportJob(JobProgress, models.Model):
    """A large export written in the background (``jobs.run_export``): the file waits in the storage,
    under a private name, for its author to download it."""

    noun = "l'export"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="par"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pour"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="projet",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    format = models.CharField("format", max_length=4)
    # A follow-up file (exchange format, exchange.exporter), or the household list with its filters
    # (households.exports: more than HOUSEHOLD_EXPORT_INLINE_MAX rows in XLSX).
    kind = models.CharField("contenu", max_length=5, choices=ExportKind.choices, default=ExportKind.FOLLOWUP)
    # The list's filters (households.selectors.HouseholdFilters as a dict; a searched name may be one):
    # emptied with the file a day later.
    filters = models.JSONField("filtres", default=dict, blank=True)
    named = models.BooleanField("avec les noms", default=False)
    status = models.CharField(
        "état", max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    done = models.PositiveIntegerField("ménages écrits", default=0)
    total = models.PositiveIntegerField("ménages à écrire", default=0)
    filename = models.CharField("fichier", max_length=255, blank=True)
    # The storage name of the file, where it waits for its download; removed with old jobs.
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)

    class Meta:
        verbose_name = "export de fichier de suivi"
        verbose_name_plural = "exports de fichiers de suivi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.get_status_display()})"
