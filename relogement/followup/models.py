"""Post-rehousing follow-up at 6, 12 and 24 months: satisfaction survey and situation."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.households.querysets import HouseholdChildQuerySet


class Satisfaction(models.TextChoices):
    VERY = "tres_satisfait", "Très satisfait"
    SATISFIED = "satisfait", "Satisfait"
    LITTLE = "peu_satisfait", "Peu satisfait"
    NOT = "pas_satisfait", "Pas satisfait"


class FollowUp(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="followups")
    months_after = models.PositiveSmallIntegerField(
        "échéance (mois)", choices=[(6, "6 mois"), (12, "12 mois"), (24, "24 mois")]
    )
    due_date = models.DateField("date prévue")
    done_on = models.DateField("réalisé le", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    information_received = models.BooleanField("information reçue suffisante", null=True, blank=True)
    contact_person_known = models.BooleanField("interlocuteur identifié", null=True, blank=True)
    support_satisfaction = models.CharField(
        "satisfaction de l'accompagnement", max_length=16, choices=Satisfaction.choices, blank=True
    )
    home_satisfaction = models.CharField(
        "satisfaction du nouveau logement", max_length=16, choices=Satisfaction.choices, blank=True
    )
    works_needed = models.BooleanField("travaux nécessaires", null=True, blank=True)
    works_note = models.TextField("travaux : précisions", blank=True)
    rent_arrears = models.BooleanField("impayés de loyer", null=True, blank=True)
    adaptation_note = models.TextField("adaptation au nouveau logement", blank=True)
    history = HistoricalRecords()

    objects = HouseholdChildQuerySet.as_manager()

    class Meta:
        verbose_name = "suivi post-relogement"
        verbose_name_plural = "suivis post-relogement"
        ordering = ["household", "months_after"]
        constraints = [
            models.UniqueConstraint(fields=["household", "months_after"], name="unique_followup_milestone")
        ]
