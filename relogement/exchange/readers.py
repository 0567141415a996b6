"""Reading the containers of the exchange format into raw sheets (header + numbered rows).

``.xlsx`` (xlsx_reader.py), ``.ods`` (ods_reader.py), a CSV file, a folder or a ``.zip`` holding
``menages.csv`` and ``propositions.csv``. Every reader streams its file and stays within the import
limits (limits.py, docs/exchange-format.md "Limits"): a file beyond them is refused with a French
``ContainerError`` before it is read whole.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path, PurePosixPath

from relogement.core.formatting import format_number
from relogement.exchange.archives import DAMAGED_ARCHIVE, BoundedStream, check_size, open_zip
from relogement.exchange.columns import MENAGES, PROPOSITIONS
from relogement.exchange.limits import import_limits
from relogement.exchange.ods_reader import read_ods
from relogement.exchange.sheets import ContainerError, Keeper, RawSheet, SheetBuilder, set_progress
from relogement.exchange.xlsx_reader import read_xlsx

__all__ = ["ContainerError", "RawSheet", "read_csv_bytes", "read_path", "read_upload"]

CSV_FILES = {f"{MENAGES}.csv": MENAGES, f"{PROPOSITIONS}.csv": PROPOSITIONS}

# --- CSV ----------------------------------------------------------------------------------------


class _Records:
    """The lines of a CSV text for csv.reader, counted per record: one record (a row, which a quoted
    value may spread over several lines) may not exceed ``limits.record_chars``, so that a line of a
    hundred megabytes, or of millions of empty fields, is refused before the csv module splits it."""

    def __init__(self, text, limit: int, filename: str):
        self.text, self.limit, self.filename = text, limit, filename
        self.used = 0
        self.number = 1  # of the record being read
        self.pending: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending is not None:
            line, self.pending = self.pending, None
        else:
            line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > self.limit:
            raise ContainerError(
                f"{self.filename}, ligne {format_number(self.number)} : ligne de plus de "
                f"{format_number(self.limit)} caractères."
            )
        return line

    def first_line(self) -> str:
        self.pending = self.text.readline(self.limit + 1)
        return self.pending

    def record_read(self) -> None:
        self.used = 0
        self.number += 1


def read_csv(stream, name: str, filename: str, keeper: Keeper) -> RawSheet | None:
    """One CSV file (UTF-8 with or without BOM, ``;`` or ``,``), streamed."""
    limits = keeper.limits
    bounded = io.BufferedReader(BoundedStream(stream, limits.csv_bytes, filename), io.DEFAULT_BUFFER_SIZE)
    text = io.TextIOWrapper(bounded, encoding="utf-8-sig", newline="")
    records = _Records(text, limits.record_chars, filename)
    builder = SheetBuilder(name, keeper)
    try:
        first = records.first_line()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        for number, values in enumerate(csv.reader(records, delimiter=delimiter), start=1):
            if number > limits.sheet_rows:
                raise ContainerError(f"{filename} : plus de {format_number(limits.sheet_rows)} lignes.")
            builder.add(number, values)
            if not builder.reading:
                break  # the header lacks a required column: the import stops there
            records.record_read()
    except UnicodeDecodeError:
        raise ContainerError(f"{filename} : le fichier n'est pas encodé en UTF-8.") from None
    except csv.Error:
        raise ContainerError(
            f"{filename}, ligne {format_number(records.number)} : ligne CSV illisible (guillemet non fermé "
            "ou caractère nul ?)."
        ) from None
    return builder.finish()


def read_csv_bytes(data: bytes, name: str, filename: str) -> RawSheet | None:
    return read_csv(io.BytesIO(data), name, filename, Keeper(import_limits()))


def _csv_zip(handle, keeper: Keeper) -> dict[str, RawSheet]:
    """menages.csv (required) and propositions.csv (optional) in a zip, wherever they are in it; no
    other member is read, nothing is written to disk."""
    archive = open_zip(handle, "L'archive ZIP", keeper.limits)
    with archive:
        found = {}
        for info in archive.infolist():
            filename = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
            if filename in CSV_FILES and not info.is_dir():
                if filename in found:
                    raise ContainerError(f"L'archive ZIP contient plusieurs fichiers {filename}.")
                found[filename] = info
        if f"{MENAGES}.csv" not in found:
            raise ContainerError("Le fichier menages.csv est introuvable.")
        sheets = {}
        for filename, info in found.items():
            check_size(info, keeper.limits.csv_bytes, "L'archive ZIP")
            try:
                stream = archive.open(info)
            except DAMAGED_ARCHIVE:
                raise ContainerError(f"L'archive ZIP : {filename} ne peut pas être lu.") from None
            with stream:
                sheet = read_csv(stream, CSV_FILES[filename], filename, keeper)
            if sheet is not None:
                sheets[sheet.name] = sheet
        return sheets


def _csv_folder(path: Path, keeper: Keeper) -> dict[str, RawSheet]:
    found = {}
    for entry in path.iterdir():
        filename = entry.name.lower()
        if filename in CSV_FILES and entry.is_file():
            if filename in found:
                raise ContainerError(f"Le dossier contient plusieurs fichiers {filename}.")
            found[filename] = entry
    if f"{MENAGES}.csv" not in found:
        raise ContainerError("Le fichier menages.csv est introuvable.")
    sheets = {}
    for filename, entry in found.items():
        with entry.open("rb") as handle:
            sheet = read_csv(handle, CSV_FILES[filename], entry.name, keeper)
        if sheet is not None:
            sheets[sheet.name] = sheet
    return sheets


# --- Dispatch -----------------------------------------------------------------------------------


def read_path(path: str | Path, progress=None) -> dict[str, RawSheet]:
    """A workbook (.xlsx, .ods), a folder holding menages.csv [+ propositions.csv], a single menages
    CSV, or a zip of the CSV files."""
    set_progress(progress)
    try:
        return _read_path(Path(path))
    finally:
        set_progress(None)


def _read_path(path: Path) -> dict[str, RawSheet]:
    if path.is_dir():
        return _csv_folder(path, Keeper(import_limits()))
    if not path.exists():
        raise ContainerError(f"Fichier introuvable : {path}")
    with path.open("rb") as handle:
        return read_upload(handle, path.name)


def read_upload(handle, filename: str, keeper: Keeper | None = None) -> dict[str, RawSheet]:
    """``keeper``: what the reading counts against the limits (a new one, with the settings' limits,
    by default; tests pass their own to look at the estimate)."""
    keeper = keeper or Keeper(import_limits())
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(handle, keeper)
    if suffix == ".ods":
        return read_ods(handle, keeper)
    if suffix == ".csv":
        sheet = read_csv(handle, MENAGES, filename, keeper)
        return {} if sheet is None else {MENAGES: sheet}
    if suffix == ".zip":
        return _csv_zip(handle, keeper)
    raise ContainerError(
        f"Format non reconnu : « {filename} » (attendu : .xlsx, .ods, .csv ou un dossier de fichiers CSV)."
    )
