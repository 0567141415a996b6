"""Grievances (réclamations) of households: recorded, acknowledged, escalated, closed (docs/governance.md)."""

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.grievances.querysets import GrievanceQuerySet

DEFAULT_ACKNOWLEDGEMENT_WORKING_DAYS = 2
DEFAULT_RESOLUTION_DAYS = 30


class GrievanceCategory(models.TextChoices):
    OFFER = "offre", "Proposition de logement"
    RENT = "loyer", "Loyer et charges"
    SUPPORT = "accompagnement", "Accompagnement social"
    MOVE = "demenagement", "Déménagement"
    DISCRIMINATION = "discrimination", "Discrimination"
    OTHER = "autre", "Autre"


class GrievanceChannel(models.TextChoices):
    LETTER = "courrier", "Courrier"
    PHONE = "telephone", "Téléphone"
    VISIT = "visite", "Visite"
    EMAIL = "courriel", "Courriel"
    COMMUNE = "commune", "Par la commune"


class GrievanceStatus(models.TextChoices):
    RECEIVED = "recue", "Reçue"
    ACKNOWLEDGED = "accusee", "Accusé de réception envoyé"
    COMMUNE = "commune", "Remontée à la commune"
    METROPOLIS = "metropole", "Remontée au pilotage métropolitain"
    CLOSED = "close", "Clôturée"


class GrievancePolicy(models.Model):
    """Per-project deadlines (a local charter may be stricter); without a row, the defaults apply."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="grievance_policy"
    )
    acknowledgement_working_days = models.PositiveSmallIntegerField(
        "délai d'accusé de réception (jours ouvrés)", default=DEFAULT_ACKNOWLEDGEMENT_WORKING_DAYS
    )
    resolution_days = models.PositiveSmallIntegerField(
        "délai de traitement (jours)", default=DEFAULT_RESOLUTION_DAYS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "délais des réclamations"
        verbose_name_plural = "délais des réclamations"


class Grievance(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="grievances")
    category = models.CharField("objet", max_length=16, choices=GrievanceCategory.choices)
    channel = models.CharField("canal", max_length=12, choices=GrievanceChannel.choices)
    received_on = models.DateField("reçue le")
    # Sensitive (a discrimination complaint names people): read per predicates.can_read_grievance_text.
    description = models.TextField("exposé de la réclamation")
    responsible = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="grievances",
        verbose_name="organisation responsable",
    )
    recorded_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=10, choices=GrievanceStatus.choices, default=GrievanceStatus.RECEIVED
    )
    acknowledgement_due = models.DateField("accusé de réception attendu le")
    resolution_due = models.DateField("réponse attendue le")
    acknowledged_on = models.DateField("accusé de réception le", null=True, blank=True)
    closed_on = models.DateField("clôturée le", null=True, blank=True)
    outcome = models.TextField("réponse apportée", blank=True)
    household_agrees = models.BooleanField("accord du ménage sur la réponse", null=True, blank=True)
    history = HistoricalRecords()

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        verbose_name = "réclamation"
        verbose_name_plural = "réclamations"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "resolution_due"])]

    def __str__(self) -> str:
        return f"Réclamation {self.pk} ({self.get_category_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != GrievanceStatus.CLOSED

    def is_overdue(self, today: dt.date) -> bool:
        if not self.is_open:
            return False
        late_ack = self.acknowledged_on is None and self.acknowledgement_due < today
        return late_ack or self.resolution_due < today


class GrievanceTransition(models.Model):
    """The escalation log: who moved the grievance from which state to which, when, why. It goes with
    the grievance (and the household) when the retention deletes them."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=GrievanceStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=GrievanceStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "transition de réclamation"
        ordering = ["grievance", "created_at", "pk"]
