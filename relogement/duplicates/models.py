"""Decisions on possible duplicate households: "ce n'est pas un doublon" or "dossiers liés".

Nothing is merged and nothing is deleted: a decision is a row between two households, reversed by
setting ``undone_at`` (docs/household-file.md § Duplicates). At most one decision per pair is active.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class DecisionKind(models.TextChoices):
    NOT_DUPLICATE = "not_duplicate", "Ce n'est pas un doublon"
    LINKED = "linked", "Dossiers liés"


class DuplicateDecisionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(undone_at__isnull=True)

    def involving(self, household_id: int):
        return self.filter(models.Q(household_low_id=household_id) | models.Q(household_high_id=household_id))


class DuplicateDecision(models.Model):
    # Canonical order (low pk, high pk): one pair has one row whatever the page it was decided from.
    # PROTECT: a decision is evidence of who said what; households are anonymised, never deleted.
    household_low = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name="ménage"
    )
    household_high = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", verbose_name="autre ménage"
    )
    decision = models.CharField("décision", max_length=20, choices=DecisionKind.choices)
    # Copied at decision time (reasons are data): a later change of the scoring rules does not rewrite
    # what the user saw. No names in them: only which rules matched.
    score = models.PositiveSmallIntegerField("score de ressemblance (sur 100)")
    reasons = models.TextField("motifs du rapprochement", blank=True)
    comment = models.TextField("commentaire", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    decided_at = models.DateTimeField("date", auto_now_add=True)
    undone_at = models.DateTimeField("annulée le", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulée par",
    )
    undo_reason = models.TextField("motif de l'annulation", blank=True)
    history = HistoricalRecords()

    objects = DuplicateDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision sur un doublon possible"
        verbose_name_plural = "décisions sur des doublons possibles"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household_low__lt=models.F("household_high")),
                name="duplicate_pair_canonical_order",
            ),
            models.UniqueConstraint(
                fields=["household_low", "household_high"],
                condition=models.Q(undone_at__isnull=True),
                name="one_active_decision_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["household_high"], name="duplicate_high_idx")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.household_low_id}, {self.household_high_id})"

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def other(self, household_id: int) -> int:
        return self.household_high_id if household_id == self.household_low_id else self.household_low_id
