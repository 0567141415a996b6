"""Writes of household documents: add and delete, atomic, with their history row.

Bad input changes nothing: every check (the right to add this kind, the title, the size, the type read
from the content) runs before the file is stored, and if the database refuses the row the stored file
is removed again, so no file is left in the storage without its row. A deletion keeps the row (who,
when: the trace) and removes the bytes once the transaction is committed (a rolled-back deletion keeps
its file).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.core.formatting import format_number
from relogement.documents import detection
from relogement.documents.kinds import SOCIAL_KINDS, DocumentKind
from relogement.documents.models import HouseholdDocument
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of

ADDED_REASON = "Document ajouté"
DELETED_REASON = "Document supprimé"


class DocumentRefused(DomainError):
    """A refused upload; ``field`` names the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def max_bytes() -> int:
    return settings.DOCUMENT_MAX_BYTES


def size_label(size: int) -> str:
    """« 10 Mo », « 250 ko » (French units, binary multiples as the upload limit is set)."""
    if size >= 1024 * 1024:
        return f"{format_number(size / (1024 * 1024), 1 if size % (1024 * 1024) else 0)} Mo"
    if size >= 1024:
        return f"{format_number(size / 1024, 0)} ko"
    return f"{size} octets"


def check_file(upload) -> detection.FileType:
    """The upload's type, read from its content; refused (DocumentRefused on the « file » field) when
    it is empty, too large, not a PDF, JPEG or PNG, or named as another type than it is."""
    if upload is None:
        raise DocumentRefused("Choisissez un fichier.", "file")
    if upload.size == 0:
        raise DocumentRefused("Le fichier est vide.", "file")
    if upload.size > max_bytes():
        raise DocumentRefused(
            f"Le fichier dépasse la taille maximale de {size_label(max_bytes())} "
            f"({size_label(upload.size)}).",
            "file",
        )
    file_type = detection.detect(detection.read_head(upload))
    if file_type is None:
        raise DocumentRefused(
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
            "quel que soit son nom).",
            "file",
        )
    extension = detection.extension_of(upload.name or "")
    if extension not in file_type.extensions:
        named = f"son nom se termine par « {extension} »" if extension else "son nom n'a pas d'extension"
        raise DocumentRefused(
            f"Le contenu de ce fichier est une image ou un document {file_type.label}, mais {named} : "
            f"renommez-le en « {file_type.extension} » ou choisissez le bon fichier.",
            "file",
        )
    return file_type


def _lock(household: Household) -> Household:
    return Household.objects.select_for_update(no_key=True).get(pk=household.pk)


@transaction.atomic
def document_add(*, household: Household, kind: str, title: str, upload, actor) -> HouseholdDocument:
    """Store ``upload`` as a document of ``household`` (module docstring)."""
    locked = _lock(household)
    if locked.anonymised_on is not None:
        raise DocumentRefused("Ce dossier est anonymisé : on n'y ajoute plus de document.")
    if kind not in DocumentKind.values:
        raise DocumentRefused("Choisissez le type du document.", "kind")
    if not predicates.can_add_document(actor, locked, kind):
        raise DocumentRefused("Votre organisation ne peut pas ajouter ce type de document.", "kind")
    title = (title or "").strip()
    if not title:
        raise DocumentRefused("L'intitulé du document est obligatoire.", "title")
    if len(title) > 200:
        raise DocumentRefused("L'intitulé ne doit pas dépasser 200 caractères.", "title")
    file_type = check_file(upload)
    org = organisation_of(actor)
    document = HouseholdDocument(
        household=locked,
        kind=kind,
        title=title,
        original_filename=(upload.name or "")[-255:],
        size=upload.size,
        content_type=file_type.content_type,
        uploaded_by=actor,
        organisation=org,
        holder=(org or locked.social_provider) if kind in SOCIAL_KINDS else None,
    )
    document._change_reason = ADDED_REASON
    document._history_user = actor
    # The file is named by the service: the extension of the detected type, never the sender's name.
    document.file.save(file_type.extension, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _remove_bytes_on_commit(names: list[str]) -> None:
    storage = HouseholdDocument._meta.get_field("file").storage

    def remove():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(remove)


@transaction.atomic
def document_delete(*, document: HouseholdDocument, actor) -> HouseholdDocument:
    """Delete a document: the row stays (who deleted it, when; history row « Document supprimé »), the
    stored bytes are removed once committed."""
    locked = HouseholdDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    if locked.is_deleted:
        raise DomainError("Ce document a déjà été supprimé.")
    name = locked.file.name
    locked.file = ""
    locked.deleted_at = timezone.now()
    locked.deleted_by = actor
    locked._change_reason = DELETED_REASON
    locked._history_user = actor
    locked.save()
    _remove_bytes_on_commit([name] if name else [])
    return locked


def documents_erase(*, household_id: int) -> int:
    """Anonymisation (households.retention): every document of the household goes, its row, its
    history rows and its stored bytes (once committed). Returns the number of rows deleted."""
    rows = HouseholdDocument.objects.filter(household_id=household_id)
    names = [name for name in rows.values_list("file", flat=True) if name]
    # Bytes of earlier versions: a document's file name never changes except to empty, but a row
    # deleted by hand (shell) may have left its name in the history only.
    history = HouseholdDocument.history.model.objects.filter(household_id=household_id)
    names += [
        name for name in history.values_list("file", flat=True).distinct() if name and name not in names
    ]
    count = len(rows)
    rows.delete()
    history.delete()
    _remove_bytes_on_commit(names)
    return count
