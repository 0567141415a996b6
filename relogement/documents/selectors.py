"""Reads of household documents, filtered by the named predicates (one query per list)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from relogement.documents import detection
from relogement.documents.kinds import DocumentKind
from relogement.documents.models import HouseholdDocument
from relogement.households.models import Household
from relogement.permissions import predicates


@dataclass(frozen=True)
class DocumentsSection:
    shown: bool  # the section at all (can_view_documents)
    current: list[HouseholdDocument]
    deleted: list[HouseholdDocument]
    deletable: frozenset[int]
    can_add: bool


def addable_kinds(user, household: Household) -> list[str]:
    """The kinds the user may add to this file, in the kinds' order."""
    return [kind for kind in DocumentKind.values if predicates.can_add_document(user, household, kind)]


def documents_section(*, user, household: Household) -> DocumentsSection:
    """The documents of a file as ``user`` may see them: current ones and the trace of deleted ones,
    each filtered by can_view_document on the loaded rows (one query whatever their number)."""
    if not predicates.can_view_documents(user, household):
        return DocumentsSection(False, [], [], frozenset(), False)
    rows = [
        document
        for document in HouseholdDocument.objects.filter(household=household)
        .select_related("uploaded_by", "organisation", "deleted_by")
        .order_by("-created_at", "-pk")
        if predicates.can_view_document(user, household, document)
    ]
    current = [d for d in rows if not d.is_deleted]
    return DocumentsSection(
        shown=True,
        current=current,
        deleted=[d for d in rows if d.is_deleted],
        deletable=frozenset(d.pk for d in current if predicates.can_delete_document(user, household, d)),
        can_add=bool(addable_kinds(user, household)) and household.anonymised_on is None,
    )


def document_for(*, user, household: Household, pk: int) -> HouseholdDocument | None:
    """One document of the household that the user may see (None: answer 404)."""
    document = (
        HouseholdDocument.objects.visible_to(user)
        .filter(household=household, pk=pk)
        .select_related("household")
        .first()
    )
    if document is None or not predicates.can_view_document(user, household, document):
        return None
    return document


def document_files(household: Household) -> Iterator[tuple[str, bytes]]:
    """The stored documents of a household that are not deleted, as (archive name, bytes), for the
    subject-access archive (every kind: the household is entitled to all of them). A file missing
    from the storage is skipped (its row is still listed in documents.json)."""
    documents = HouseholdDocument.objects.filter(household=household, deleted_at__isnull=True).order_by("pk")
    for document in documents:
        if not document.file:
            continue
        try:
            with document.file.storage.open(document.file.name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        yield f"{document.pk}-{download_name(document)}", content


def download_name(document) -> str:
    """The name the file was sent with (its folder parts dropped), with the extension of its type."""
    name = PurePosixPath(document.original_filename.replace("\\", "/")).name or "document"
    file_type = detection.BY_CONTENT_TYPE.get(document.content_type)
    if file_type is not None and detection.extension_of(name) not in file_type.extensions:
        name += file_type.extension
    return name
