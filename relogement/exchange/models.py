"""Background jobs: an uploaded follow-up file imported, or a large perimeter exported, with progress."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

# A job still unfinished this long after it started lost its worker thread (web process restarted).
LOST_AFTER = dt.timedelta(hours=2)


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    INVALID = "invalid", "Fichier refusé"
    FAILED = "failed", "Échec technique"


class JobProgress:
    """What the progress pages read from a background job (``status``, ``done``, ``total``)."""

    # Fields reset when a lost job is recorded as failed.
    reset_when_lost: dict = {}

    def fail_if_lost(self) -> None:
        """Record a job whose worker thread was lost (see LOST_AFTER) as a technical failure."""
        if self.finished or self.created_at >= timezone.now() - LOST_AFTER:
            return
        type(self).objects.filter(pk=self.pk, status=self.status).update(
            status=ImportJobStatus.FAILED, finished_at=timezone.now(), **self.reset_when_lost
        )
        self.refresh_from_db()

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

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name="par"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="pour"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    filename = models.CharField("fichier", max_length=255)
    # Where the uploaded file waits for the worker thread; removed once processed.
    source_path = models.CharField(max_length=500, blank=True, editable=False)
    dry_run = models.BooleanField("simulation", default=False)
    status = models.CharField(
        "état", max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    phase = models.CharField("étape", max_length=100, blank=True)
    done = models.PositiveIntegerField("lignes traitées", default=0)
    total = models.PositiveIntegerField("lignes à traiter", default=0)
    report = models.JSONField("rapport", null=True, blank=True)

    class Meta:
        verbose_name = "import de fichier de suivi"
        verbose_name_plural = "imports de fichiers de suivi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ExportJob(JobProgress, models.Model):
    """A large export written in the background (``jobs.run_export``): the file waits in a private
    temporary folder for its author to download it."""

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
    named = models.BooleanField("avec les noms", default=False)
    status = models.CharField(
        "état", max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    done = models.PositiveIntegerField("ménages écrits", default=0)
    total = models.PositiveIntegerField("ménages à écrire", default=0)
    filename = models.CharField("fichier", max_length=255, blank=True)
    # Where the file waits for its download; removed with old jobs.
    file_path = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = "export de fichier de suivi"
        verbose_name_plural = "exports de fichiers de suivi"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.get_status_display()})"
