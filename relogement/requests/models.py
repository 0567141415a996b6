"""Requests between organisations (« Demandes »): one organisation asks another for something about a
household or an offer (a T5 offer, an urgent committee review…), with a due date; the recipient answers
in a thread and closes it.

The text is free: it is read by both organisations and never e-mailed (a notification carries only a
link), but it must still hold no social or health information (the form says so).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from relogement.permissions import scopes


class RequestStatus(models.TextChoices):
    OPEN = "open", "Ouverte"
    ANSWERED = "answered", "Répondue"
    CLOSED = "closed", "Close"


class HandoffRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A request is seen by the organisation that sent it and the one it is addressed to; nobody
        else (the metropolis included), whatever the household or offer it is about."""
        org = scopes.organisation_of(user)
        if org is None:
            return self.none()
        return self.filter(Q(sender_organisation=org) | Q(recipient=org))

    def received_by(self, org):
        return self.filter(recipient=org)

    def sent_by(self, org):
        return self.filter(sender_organisation=org)

    def pending(self):
        return self.exclude(status=RequestStatus.CLOSED)

    def overdue(self, today=None):
        return self.pending().filter(due_date__lt=today or timezone.localdate())


class HandoffRequest(models.Model):
    sender_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="sent_requests",
        verbose_name="organisation émettrice",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="émise par",
    )
    recipient = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="received_requests",
        verbose_name="organisation destinataire",
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="handoff_requests",
        verbose_name="ménage",
    )
    offer = models.ForeignKey(
        "offers.HousingOffer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="handoff_requests",
        verbose_name="offre",
    )
    subject = models.CharField("objet", max_length=200)
    text = models.TextField("demande")
    due_date = models.DateField("échéance")
    status = models.CharField(
        "état", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField("émise le", auto_now_add=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    history = HistoricalRecords()

    objects = HandoffRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande"
        verbose_name_plural = "demandes"
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["recipient", "status", "due_date"]),
            models.Index(fields=["sender_organisation", "status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(offer__isnull=False),
                name="handoff_request_about_something",
            )
        ]

    def __str__(self) -> str:
        return f"Demande « {self.subject} » à {self.recipient}"

    @property
    def is_overdue(self) -> bool:
        return self.status != RequestStatus.CLOSED and self.due_date < timezone.localdate()


class RequestAnswer(models.Model):
    """One message of the thread below a request (an answer of the recipient or a follow-up of the
    sender)."""

    request = models.ForeignKey(
        HandoffRequest, on_delete=models.CASCADE, related_name="answers", verbose_name="demande"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisation"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    text = models.TextField("réponse")
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        ordering = ["created_at", "pk"]


class RequestTransition(models.Model):
    """The transition log of a request's state machine (who, when, from, to)."""

    request = models.ForeignKey(
        HandoffRequest, on_delete=models.CASCADE, related_name="transitions", verbose_name="demande"
    )
    from_status = models.CharField("de", max_length=10, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=10, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état de demande"
        verbose_name_plural = "changements d'état de demande"
        ordering = ["at", "pk"]
