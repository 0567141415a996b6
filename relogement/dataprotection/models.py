"""What the data-protection tools keep themselves: who the controller is, and who erased which file.

Everything else they show is read from the other apps' models (``registry.py``).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class DataController(models.Model):
    """The controller (responsable de traitement) named on the information notice and the register.

    One row without a project is the deployment's controller; a row with a project overrides it for
    that project (a commune that runs its own programme). Without any row the controller is derived
    from the organisations (``controller.controller_for``) and the DPO pages say it is not configured.
    Rows are written by ``controller.data_controller_set`` only, which keeps one default row (a unique
    constraint cannot say "one row without a project" on both SQLite and PostgreSQL < 15).
    """

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_controller",
        verbose_name="projet (vide : tous les projets)",
    )
    name = models.CharField("responsable de traitement", max_length=200)
    address = models.TextField("adresse postale")
    dpo_contact = models.TextField(
        "contact du délégué à la protection des données",
        help_text="Adresse électronique et/ou postale à laquelle les ménages exercent leurs droits.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "responsable de traitement"
        verbose_name_plural = "responsables de traitement"

    def __str__(self) -> str:
        return self.name


class ErasureRecord(models.Model):
    """One erasure on request (art. 17 RGPD): who erased the household's file, when, why.

    Kept after the erasure: it is the evidence that the request was answered. The reason is the
    request's reference and grounds as written by the DPO (the form asks not to quote names).
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="erasures", verbose_name="ménage"
    )
    # The reference as it was: the household row keeps it, but the record must read alone.
    reference = models.CharField("référence du ménage", max_length=60)
    reason = models.TextField("motif de la demande")
    requested_on = models.DateField("demande reçue le")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour l'organisation",
    )
    at = models.DateTimeField("effacé le", auto_now_add=True)

    class Meta:
        verbose_name = "effacement sur demande"
        verbose_name_plural = "effacements sur demande"
        ordering = ["-at", "-pk"]
