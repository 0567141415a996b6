"""Zip containers and the XML inside them, read in bounded memory.

A zip's member sizes are declared by the archive itself and may lie: sizes are checked before a member
is opened *and* counted while it is read. XML is streamed through expat (the parser behind the standard
library's ElementTree) with handlers that keep only what they need; a document type declaration (the
vehicle of entity expansion, "billion laughs") is refused, and so are a tag that never ends and an
absurd nesting depth, which expat would otherwise buffer or stack in memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.parsers import expat

from relogement.core.formatting import format_number
from relogement.exchange.limits import MIB, ImportLimits
from relogement.exchange.sheets import ContainerError

CHUNK = 64 * 1024
# Errors of a damaged archive while a member is decompressed (bad CRC, truncated or corrupt data).
DAMAGED_ARCHIVE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def _megabytes(size: int) -> str:
    return f"{format_number(max(size // MIB, 1))} Mo"


def open_zip(handle, what: str, limits: ImportLimits) -> zipfile.ZipFile:
    """The archive, once the size of its central directory (the list of members, read whole: a
    million empty members fit in a few megabytes) is known to be small."""
    try:
        # zipfile's own reading of the end record (zip64 included); private but stable since Python 2.
        end = zipfile._EndRecData(handle)
    except OSError:
        end = None
    if end is None:
        raise ContainerError(f"{what} ne peut pas être lu (fichier endommagé ?).")
    if end[zipfile._ECD_SIZE] > limits.zip_directory_bytes:
        raise ContainerError(
            f"{what} ne peut pas être lu : la liste de ses fichiers dépasse "
            f"{_megabytes(limits.zip_directory_bytes)} (archive endommagée ?)."
        )
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ContainerError(f"{what} ne peut pas être lu (fichier endommagé ?).") from None


def check_size(info: zipfile.ZipInfo, limit: int, what: str) -> None:
    if info.file_size > limit:
        raise ContainerError(f"{what} : {info.filename} dépasse {_megabytes(limit)} une fois décompressé.")


def member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> Iterator[bytes]:
    """The member's bytes, chunk by chunk, refused beyond ``limit`` whatever its header declares."""
    check_size(info, limit, what)
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > limit:
                    raise ContainerError(
                        f"{what} : {info.filename} dépasse {_megabytes(limit)} une fois décompressé."
                    )
                yield chunk
    except DAMAGED_ARCHIVE:
        raise ContainerError(
            f"{what} : {info.filename} ne peut pas être lu (archive endommagée ?)."
        ) from None


class BoundedStream(io.RawIOBase):
    """A binary stream refused beyond ``limit`` bytes (a CSV file, alone or inside a zip)."""

    def __init__(self, raw, limit: int, what: str):
        self.raw, self.limit, self.what, self.read_bytes = raw, limit, what, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.raw.read(len(buffer))
        except DAMAGED_ARCHIVE:
            raise ContainerError(f"{self.what} ne peut pas être lu (archive endommagée ?).") from None
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise ContainerError(f"{self.what} : fichier de plus de {_megabytes(self.limit)}.")
        buffer[: len(data)] = data
        return len(data)


class XmlHandler:
    """Base of the expat handlers: ``start(name, attributes)``, ``end(name)``, ``text(data)``; element
    names are "namespace-uri local-name". ``depth`` is the depth of the current element."""

    depth = 0

    def start(self, name: str, attributes: dict) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        pass


def parse_xml(chunks, handler: XmlHandler, limits: ImportLimits, what: str) -> None:
    """Feed the chunks to expat, calling the handler's methods."""
    events = 0

    def start(name, attributes):
        nonlocal events
        events += 1
        handler.depth += 1
        if handler.depth > limits.xml_depth:
            raise ContainerError(
                f"{what} : plus de {format_number(limits.xml_depth)} niveaux d'éléments imbriqués (fichier "
                "endommagé ?)."
            )
        handler.start(name, attributes)

    def end(name):
        nonlocal events
        events += 1
        handler.end(name)
        handler.depth -= 1

    def text(data):
        nonlocal events
        events += 1
        handler.text(data)

    def refuse_doctype(*args):
        raise ContainerError(f"{what} : déclaration de type de document (DTD) refusée.")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    silent = 0  # bytes fed since the last event: expat buffers an unfinished tag or comment whole
    try:
        for chunk in chunks:
            seen = events
            parser.Parse(chunk, False)
            silent = silent + len(chunk) if events == seen else 0
            if silent > limits.xml_token_bytes:
                raise ContainerError(
                    f"{what} : balise XML de plus de {_megabytes(limits.xml_token_bytes)} (fichier endommagé ?)."
                )
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise ContainerError(f"{what} ne peut pas être lu (contenu XML invalide).") from None
