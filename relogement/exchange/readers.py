"""Reading the containers of the exchange format into raw sheets (header + numbered rows).

Row numbers are the spreadsheet's (the header is row 1), so that the report points at the right line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from relogement.exchange.cells import UnreadableCell
from relogement.exchange.columns import MENAGES, PROPOSITIONS


class ContainerError(ValueError):
    """The file itself cannot be read (French message)."""


@dataclass
class RawSheet:
    name: str
    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


def _is_blank_row(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


# Called as progress(phase, rows_read, rows_expected) while a sheet is read (0 when unknown).
_progress = threading.local()


def _report_progress(number: int, expected: int) -> None:
    callback = getattr(_progress, "callback", None)
    if callback is not None and number % 1000 == 0:
        callback("Lecture du fichier", number, expected if expected >= number else 0)


def _sheet_from_rows(name: str, rows: Iterator[list], expected: int = 0) -> RawSheet | None:
    header = None
    sheet = None
    for number, values in enumerate(rows, start=1):
        _report_progress(number, expected)
        if header is None:
            header = [("" if v is None else str(v)).strip().lstrip("\ufeff") for v in values]
            while header and not header[-1]:
                header.pop()
            sheet = RawSheet(name=name, header=header)
            continue
        values = list(values)[: len(header)]
        if _is_blank_row(values):
            continue
        values += [None] * (len(header) - len(values))
        sheet.rows.append((number, values))
    return sheet


# --- CSV ----------------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContainerError(f"{filename} : le fichier n'est pas encodé en UTF-8.") from None


def read_csv_bytes(data: bytes, name: str, filename: str) -> RawSheet | None:
    text = _decode(data, filename)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _sheet_from_rows(name, reader)


# --- XLSX ---------------------------------------------------------------------------------------


def read_xlsx(source) -> dict[str, RawSheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ContainerError("Le classeur XLSX ne peut pas être lu (fichier endommagé ?).") from None
    try:
        sheets = {}
        for ws in workbook.worksheets:
            name = ws.title.strip().lower()
            if name in (MENAGES, PROPOSITIONS):
                sheet = _sheet_from_rows(name, ws.iter_rows(values_only=True), ws.max_row or 0)
                if sheet is not None:
                    sheets[name] = sheet
        return sheets
    finally:
        workbook.close()


# --- ODS ----------------------------------------------------------------------------------------
# content.xml is streamed with iterparse rather than loaded through odfpy's DOM: a 10,000-row
# workbook holds about half a million cells, which odfpy's object tree reads far too slowly.

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
_T = "{" + _NS["table"] + "}"
_O = "{" + _NS["office"] + "}"
_X = "{" + _NS["text"] + "}"
_TABLE = _T + "table"
_TABLE_NAME = _T + "name"
_ROW = _T + "table-row"
_CELL = _T + "table-cell"
_COVERED = _T + "covered-table-cell"
_COLS_REPEATED = _T + "number-columns-repeated"
_ROWS_REPEATED = _T + "number-rows-repeated"
_MAX_REPEAT = 200  # trailing formatted-but-empty cells are stored as huge repeats


def _cell_text(cell) -> str:
    return "\n".join("".join(p.itertext()) for p in cell if p.tag == _X + "p")


_DAMAGED = " (classeur endommagé : réenregistrez-le avec le tableur)"


def _ods_number(cell):
    raw = cell.get(_O + "value")
    if raw is None:
        return UnreadableCell(_cell_text(cell), "cellule de type nombre sans valeur" + _DAMAGED)
    try:
        number = Decimal(raw)
        finite = number.is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        return UnreadableCell(raw, "cellule de type nombre dont la valeur n'est pas un nombre" + _DAMAGED)
    # int() of 1E999999999 would build a billion-digit integer: only small integral values become int.
    if number.adjusted() < 18 and number == number.to_integral_value():
        return int(number)
    return float(raw)


def _ods_date(cell):
    raw = cell.get(_O + "date-value")
    if raw is None:
        return UnreadableCell(_cell_text(cell), "cellule de type date sans date" + _DAMAGED)
    try:
        return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
    except ValueError:
        return UnreadableCell(raw, "cellule de type date dont la valeur n'est pas une date" + _DAMAGED)


def _ods_value(cell):
    value_type = cell.get(_O + "value-type")
    if value_type in ("float", "percentage", "currency"):
        return _ods_number(cell)
    if value_type == "date":
        return _ods_date(cell)
    if value_type == "boolean":
        return cell.get(_O + "boolean-value") == "true"
    text = _cell_text(cell)
    return text if text != "" else None


def _repeat(element, attribute: str, where) -> int:
    """A number-rows/columns-repeated attribute: a positive integer, else the file is damaged."""
    raw = element.get(attribute)
    if raw is None:
        return 1
    text = raw.strip()
    if text.isdigit() and len(text) <= 10 and int(text) >= 1:
        return int(text)
    kind = "lignes" if attribute == _ROWS_REPEATED else "colonnes"
    sheet, row = where
    raise ContainerError(
        f"Feuille « {sheet} », ligne {row} : nombre de {kind} répétées invalide (« {raw[:50]} »){_DAMAGED}."
    )


def _ods_row_values(row, where) -> list:
    values = []
    for cell in row:
        if cell.tag != _CELL and cell.tag != _COVERED:
            continue
        repeat = _repeat(cell, _COLS_REPEATED, where)
        value = _ods_value(cell) if len(cell) or cell.attrib else None
        if repeat == 1:
            values.append(value)
        else:
            values.extend([value] * min(repeat, _MAX_REPEAT))
    while values and values[-1] is None:
        values.pop()
    return values


def _ods_tables(stream) -> Iterator[tuple[str, Iterator[list]]]:
    """(table name, rows) for each table, streaming: rows are cleared once read."""
    context = ElementTree.iterparse(stream, events=("start", "end"))
    for event, element in context:
        if event == "start" and element.tag == _TABLE:
            name = (element.get(_TABLE_NAME) or "").strip().lower()
            yield name, _ods_table_rows(context, element, name)


def _ods_table_rows(context, table, name) -> Iterator[list]:
    number = 1  # of the next row, for the messages
    for event, element in context:
        if event == "end" and element.tag == _ROW:
            values = _ods_row_values(element, (name, number))
            repeat = _repeat(element, _ROWS_REPEATED, (name, number))
            element.clear()
            if _is_blank_row(values):
                for _ in range(min(repeat, 10_000)):
                    yield []
            else:
                for _ in range(repeat):
                    yield values
            number += repeat
        elif event == "end" and element is table:
            table.clear()
            return


def read_ods(source) -> dict[str, RawSheet]:
    try:
        archive = zipfile.ZipFile(source)
        stream = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise ContainerError("Le classeur ODS ne peut pas être lu (fichier endommagé ?).") from None
    sheets = {}
    try:
        with archive, stream:
            for name, rows in _ods_tables(stream):
                if name in (MENAGES, PROPOSITIONS):
                    sheet = _sheet_from_rows(name, rows)
                    if sheet is not None:
                        sheets[name] = sheet
                else:
                    for _ in rows:
                        pass
    except ElementTree.ParseError:
        raise ContainerError("Le classeur ODS ne peut pas être lu (contenu invalide).") from None
    return sheets


# --- Dispatch -----------------------------------------------------------------------------------


def _csv_pair(files: dict[str, bytes]) -> dict[str, RawSheet]:
    """menages.csv (required) and propositions.csv (optional) among named CSV contents."""
    by_name = {Path(n).name.lower(): data for n, data in files.items()}
    if "menages.csv" not in by_name:
        raise ContainerError("Le fichier menages.csv est introuvable.")
    sheets = {}
    for sheet_name in (MENAGES, PROPOSITIONS):
        filename = f"{sheet_name}.csv"
        if filename in by_name:
            sheet = read_csv_bytes(by_name[filename], sheet_name, filename)
            if sheet is not None:
                sheets[sheet_name] = sheet
    return sheets


def read_path(path: str | Path, progress=None) -> dict[str, RawSheet]:
    """A workbook (.xlsx, .ods), a folder holding menages.csv [+ propositions.csv], a single menages
    CSV, or a zip of the CSV files."""
    _progress.callback = progress
    try:
        return _read_path(Path(path))
    finally:
        _progress.callback = None


def _read_path(path: Path) -> dict[str, RawSheet]:
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in path.iterdir() if p.suffix.lower() == ".csv"}
        return _csv_pair(files)
    if not path.exists():
        raise ContainerError(f"Fichier introuvable : {path}")
    with path.open("rb") as handle:
        return read_upload(handle, path.name)


def read_upload(handle, filename: str, extra_csv: dict[str, bytes] | None = None) -> dict[str, RawSheet]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(handle)
    if suffix == ".ods":
        return read_ods(handle)
    if suffix == ".csv":
        sheets = {}
        sheet = read_csv_bytes(handle.read(), MENAGES, filename)
        if sheet is not None:
            sheets[MENAGES] = sheet
        for name, data in (extra_csv or {}).items():
            extra = read_csv_bytes(data, PROPOSITIONS, name)
            if extra is not None:
                sheets[PROPOSITIONS] = extra
        return sheets
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(handle) as archive:
                files = {
                    info.filename: archive.read(info)
                    for info in archive.infolist()
                    if info.filename.lower().endswith(".csv") and info.file_size < 200 * 1024 * 1024
                }
        except zipfile.BadZipFile:
            raise ContainerError("L'archive ZIP ne peut pas être lue.") from None
        return _csv_pair(files)
    raise ContainerError(
        f"Format non reconnu : « {filename} » (attendu : .xlsx, .ods, .csv ou un dossier de fichiers CSV)."
    )
