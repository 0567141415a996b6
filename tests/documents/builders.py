"""Small files of each accepted type, and documents stored through the service."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from relogement.documents.kinds import DocumentKind
from relogement.documents.services import document_add

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40


def upload(name: str = "avis.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_document(
    world, *, kind=DocumentKind.LEASE, persona="mous", household=None, title=None, content=PDF_BYTES
):
    household = household or world.household_a
    return document_add(
        household=household,
        kind=kind,
        # The household's name in the title: pages listing it must log the read.
        title=title or f"Pièce de la {household.reference_name}",
        upload=upload("piece.pdf", content),
        actor=world.users[persona],
    )
