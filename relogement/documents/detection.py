"""What a file is, read from its first bytes: the name and the browser's content type are the
sender's claims, not facts (a renamed executable still says « .pdf »).

Only three formats are accepted, each recognised by its signature:

- PDF: ``%PDF-`` at the very start (ISO 32000-1 §7.5.2; readers tolerate leading junk, we do not);
- PNG: the eight-byte signature ``89 50 4E 47 0D 0A 1A 0A`` (ISO/IEC 15948 §5.2);
- JPEG: the start-of-image marker ``FF D8`` followed by another marker ``FF`` (ISO/IEC 10918-1).
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_BYTES = 16


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]  # the first one is used for stored and downloaded names

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("application/pdf", "PDF", (".pdf",))
PNG = FileType("image/png", "PNG", (".png",))
JPEG = FileType("image/jpeg", "JPEG", (".jpg", ".jpeg"))
ALLOWED = (PDF, JPEG, PNG)
BY_CONTENT_TYPE = {t.content_type: t for t in ALLOWED}

_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))


def detect(head: bytes) -> FileType | None:
    """The allowed type whose signature starts ``head``, or None."""
    for signature, file_type in _SIGNATURES:
        if head.startswith(signature):
            return file_type
    return None


def read_head(upload) -> bytes:
    """The first bytes of an uploaded file, leaving it rewound for whoever stores it."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def extension_of(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
