"""Alerts: the per-project settings of the rules (``rules.py`` computes the alerts themselves, which
are not stored), each user's choice of channel per kind of alert, and the e-mails already sent (so
that an immediate e-mail goes once per alert)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AlertKind(models.TextChoices):
    LEGAL_DEADLINE = "legal_deadline", "Échéance légale (délai de 6 mois)"
    STALLED_PROPOSAL = "stalled_proposal", "Proposition sans réponse"
    OVERDUE_STEP = "overdue_step", "Prochaine étape en retard"
    FOLLOWUP_DUE = "followup_due", "Enquête de suivi à réaliser"
    BUILDING_AT_RISK = "building_at_risk", "Bâtiment en retard sur la démolition"
    REQUEST_RECEIVED = "request_received", "Demande reçue"
    COMMITTEE_INVITATION = "committee_invitation", "Invitation à un comité"
    OVERDUE_GRIEVANCE = "overdue_grievance", "Réclamation en retard"


class Channel(models.TextChoices):
    APP = "app", "Dans l'application seulement"
    IMMEDIATE = "immediate", "Courriel immédiat"
    DAILY = "daily", "Récapitulatif quotidien"
    WEEKLY = "weekly", "Récapitulatif hebdomadaire"


# Without a settings row, a project uses these (the values the form proposes).
DEFAULT_STALLED_DAYS = 30
DEFAULT_DEADLINE_WARNING_DAYS = 60


class ProjectAlertSettings(models.Model):
    """The alert rules of one project, set by its project office or commune (in the admin for now)."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="alert_settings", verbose_name="projet"
    )
    stalled_proposal_days = models.PositiveSmallIntegerField(
        "proposition sans réponse après (jours)",
        null=True,
        blank=True,
        default=DEFAULT_STALLED_DAYS,
        help_text="Laisser vide pour ne jamais alerter.",
    )
    deadline_warning_days = models.PositiveSmallIntegerField(
        "alerter avant l'échéance légale (jours)", default=DEFAULT_DEADLINE_WARNING_DAYS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "réglage des alertes du projet"
        verbose_name_plural = "réglages des alertes des projets"

    def __str__(self) -> str:
        return f"Alertes de {self.project}"


class AlertPreference(models.Model):
    """How a user is told of one kind of alert (none stored: in the application only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    kind = models.CharField("type d'alerte", max_length=24, choices=AlertKind.choices)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, default=Channel.APP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "préférence d'alerte"
        verbose_name_plural = "préférences d'alerte"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_alert_preference_per_kind")]


class AlertDelivery(models.Model):
    """An alert already e-mailed to a user (immediately): the next run does not send it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_delivery_per_alert")]
