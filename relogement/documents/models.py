"""Documents of a household file: the papers the partners need (identity, tax notice, lease, CALEOL
decision, signed information notice…), stored through Django's storage API (docs/household-file.md,
*Documents*).

Deleting a document keeps its row as a trace (who deleted which document, when; the history records
it) and removes its bytes from the storage: the usual reason to delete is a wrong or superseded file,
and a personal paper must not survive its deletion. At the end of retention (or on an erasure request)
the rows go too, with their history (households.retention).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.documents.kinds import SOCIAL_KINDS, DocumentKind
from relogement.households.querysets import HouseholdChildQuerySet

# Storage folder (a name relative to the storage's root, never under a served URL).
DOCUMENTS_FOLDER = "documents"


def stored_name(instance: HouseholdDocument, filename: str) -> str:
    """An unguessable private name that says nothing of the household nor of the file's title (the
    original name may hold a person's name: it stays in the database only). ``filename`` is the
    extension of the detected type, passed by the service."""
    return f"{DOCUMENTS_FOLDER}/{secrets.token_hex(16)}{filename}"


class HouseholdDocumentQuerySet(HouseholdChildQuerySet):
    def current(self):
        return self.filter(deleted_at__isnull=True)


class HouseholdDocument(models.Model):
    # PROTECT: the bytes live outside the database, so a household is never deleted with its documents
    # (they leave through documents.services or the anonymisation, which remove the stored files).
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="documents", verbose_name="ménage"
    )
    kind = models.CharField("type de document", max_length=30, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=200)
    original_filename = models.CharField("nom du fichier déposé", max_length=255)
    # Empty once the document is deleted (its bytes are removed from the storage).
    file = models.FileField("fichier", upload_to=stored_name, max_length=200, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)")
    content_type = models.CharField("type de fichier (détecté d'après son contenu)", max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé pour (organisation)",
    )
    # Social kinds only: the organisation that may read the document while it is the household's
    # assigned provider (predicates.can_view_document), like the social notes' holder.
    holder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="détenu par",
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="supprimé par",
    )
    history = HistoricalRecords()

    objects = HouseholdDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document du ménage"
        verbose_name_plural = "documents du ménage"
        ordering = ["household", "-created_at", "-pk"]
        indexes = [models.Index(fields=["household", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk}"

    @property
    def is_social(self) -> bool:
        return self.kind in SOCIAL_KINDS

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
