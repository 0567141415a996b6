"""XLSX workbooks: the workbook's parts streamed through expat, rows pushed to the sheets as they end.

openpyxl's reader (even read-only) parses whole parts into element trees and builds every row whole with
all its cells: a sheet row of ten million cells, or a styles part of a million entries, would fill the
memory. This reader streams the few parts it needs (workbook, relationships, styles, shared strings,
the two sheets of the format) within the limits of limits.py, keeps only the cells of the format's
columns, and relies on openpyxl only for its number-format rules (which styles are dates) and its date
conversions, so that typed cells read as they did through openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from relogement.core.formatting import format_number
from relogement.exchange.archives import XmlHandler, member_chunks, open_zip, parse_xml
from relogement.exchange.cells import UnreadableCell
from relogement.exchange.columns import MENAGES, PROPOSITIONS
from relogement.exchange.sheets import DAMAGED, SPLIT, ContainerError, Keeper, RawSheet, SheetBuilder

_WHAT = "Le classeur XLSX"
_MAX_COLUMNS = 16_384  # a spreadsheet's width (XFD)
_REFERENCE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,15})$")
_NOT_A_NUMBER = "cellule de type nombre dont la valeur n'est pas un nombre" + DAMAGED


def _local(name: str) -> str:
    return name[name.rfind(" ") + 1 :]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _cell_column(reference: str) -> int | None:
    letters = reference[: len(reference) - len(reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
    if not 1 <= len(letters) <= 3:
        return None
    return _column_index(letters)


# --- small parts ------------------------------------------------------------------------------------


class _Relationships(XmlHandler):
    def __init__(self):
        self.targets: dict[str, tuple[str, str]] = {}  # id → (type, target)

    def start(self, name, attributes):
        if _local(name) == "Relationship" and attributes.get("TargetMode") != "External":
            self.targets[attributes.get("Id", "")] = (
                attributes.get("Type", ""),
                attributes.get("Target", ""),
            )

    def end(self, name):
        pass


class _Workbook(XmlHandler):
    def __init__(self):
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.date1904 = False

    def start(self, name, attributes):
        local = _local(name)
        if local == "sheet":
            rid = next((v for k, v in attributes.items() if k.endswith(" id")), "")
            self.sheets.append((attributes.get("name", ""), rid))
        elif local == "workbookPr":
            self.date1904 = attributes.get("date1904", "").lower() in ("1", "true")

    def end(self, name):
        pass


class _Styles(XmlHandler):
    """The number format of each cell style (cellXfs), to tell dates from numbers."""

    def __init__(self):
        self.custom: dict[str, str] = {}
        self.formats: list[str] = []
        self.num_fmts_depth = 0
        self.cell_xfs_depth = 0

    def start(self, name, attributes):
        local = _local(name)
        if local == "numFmts":
            self.num_fmts_depth = self.depth
        elif local == "numFmt" and self.num_fmts_depth and self.depth == self.num_fmts_depth + 1:
            # (differential formats, dxf, hold numFmt elements too: not the cells' formats)
            self.custom[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
        elif local == "cellXfs":
            self.cell_xfs_depth = self.depth
        elif local == "xf" and self.cell_xfs_depth and self.depth == self.cell_xfs_depth + 1:
            self.formats.append(attributes.get("numFmtId", "0"))

    def end(self, name):
        if self.depth == self.cell_xfs_depth:
            self.cell_xfs_depth = 0
        elif self.depth == self.num_fmts_depth:
            self.num_fmts_depth = 0

    def date_styles(self) -> tuple[set[str], set[str]]:
        """The style indexes (as written in a cell's ``s``) of dates, and of durations."""
        dates, durations = set(), set()
        for index, format_id in enumerate(self.formats):
            code = self.custom.get(format_id)
            if code is None and format_id.isdigit() and len(format_id) <= 4:
                code = builtin_format_code(int(format_id))
            if code and is_date_format(code):
                dates.add(str(index))
                if is_timedelta_format(code):
                    durations.add(str(index))
        return dates, durations


class _SharedStrings(XmlHandler):
    """The shared strings, each kept once and counted against the file's memory limit."""

    def __init__(self, keeper: Keeper):
        self.keeper = keeper
        self.room = keeper.limits.cell_chars + 1  # longer strings are cut: a cell using one is refused
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.length = 0
        self.phonetic_depth = 0
        self.in_text = False

    def start(self, name, attributes):
        local = _local(name)
        if local == "si":
            self.parts, self.length = [], 0
        elif local == "rPh":
            self.phonetic_depth = self.depth
        elif local == "t" and self.parts is not None and not self.phonetic_depth:
            self.in_text = True

    def end(self, name):
        local = _local(name)
        if local == "si" and self.parts is not None:
            self.strings.append(self.keeper.keep("".join(self.parts)))
            self.keeper.charge(8)  # its slot in the list
            self.parts = None
        elif local == "t":
            self.in_text = False
        elif self.depth == self.phonetic_depth:
            self.phonetic_depth = 0

    def text(self, data):
        if self.in_text and self.length < self.room:
            piece = data[: self.room - self.length]
            self.parts.append(piece)
            self.length += len(piece)


# --- sheets -----------------------------------------------------------------------------------------

_SKIPPED = {}  # the attributes of a cell whose column is not read


class _Sheet(XmlHandler):
    def __init__(self, builder: SheetBuilder, shared: list[str], dates: set[str], durations: set[str], epoch):
        self.builder = builder
        self.limits = builder.limits
        self.shared, self.dates, self.durations, self.epoch = shared, dates, durations, epoch
        self.room = self.limits.cell_chars + 1
        self.in_data = False
        self.number = 0  # the last row read
        self.row: list | None = None
        self.row_depth = 0
        self.column = 0  # the last cell's column (1-based)
        self.cell: dict | None = None
        self.cell_depth = 0
        self.inline = False
        self.phonetic_depth = 0
        self.collecting = False
        self.parts: list[str] = []
        self.length = 0

    def start(self, name, attributes):
        local = _local(name)
        if self.cell is not None:
            if self.cell is _SKIPPED:
                return
            if local == "v":
                self.collecting = not self.inline
            elif local == "rPh":
                self.phonetic_depth = self.depth
            elif local == "t":
                self.collecting = self.inline and not self.phonetic_depth
        elif self.row is not None:
            if local == "c":
                self._start_cell(attributes)
        elif self.in_data:
            if local == "row":
                self._start_row(attributes)
        elif local == "sheetData":
            self.in_data = True
        elif local == "dimension":
            self._check_dimension(attributes.get("ref", ""))

    def end(self, name):
        if self.cell is not None:
            if self.depth == self.cell_depth:
                self._end_cell()
            elif self.depth == self.phonetic_depth:
                self.phonetic_depth = 0
            else:
                self.collecting = False
        elif self.row is not None:
            if self.depth == self.row_depth:
                self._end_row()
        elif self.in_data and _local(name) == "sheetData":
            self.in_data = False

    def text(self, data):
        if self.collecting and self.length < self.room:
            piece = data[: self.room - self.length]
            self.parts.append(piece)
            self.length += len(piece)

    def _fail(self, message: str):
        raise ContainerError(f"Feuille « {self.builder.name} » : {message}")

    def _check_dimension(self, reference: str) -> None:
        match = _REFERENCE.match(reference.split(":")[-1].strip().upper())
        if match is None:
            return  # a hint only: the rows themselves are counted
        rows, columns = int(match[2]), _column_index(match[1])
        if rows > self.limits.sheet_rows or columns > _MAX_COLUMNS:
            self._fail(
                f"dimension déclarée « {reference[:50]} » au-delà de la taille d'une feuille{DAMAGED}."
            )
        if rows > self.limits.rows + 1:
            self._fail(
                f"la feuille déclare {format_number(rows)} lignes (dimension « {reference[:50]} »), au-delà "
                f"de la limite de {format_number(self.limits.rows)} lignes de données par feuille ; {SPLIT}."
            )
        self.builder.expected = rows

    def _start_row(self, attributes: dict) -> None:
        raw = attributes.get("r")
        if raw is None:
            number = self.number + 1
        elif raw.isdigit() and len(raw) <= 10:
            number = int(raw)
        else:
            self._fail(f"numéro de ligne invalide (« {raw[:50]} »){DAMAGED}.")
        if number <= self.number:
            self._fail(f"ligne {format_number(number)} après la ligne {format_number(self.number)}{DAMAGED}.")
        if number > self.limits.sheet_rows:
            self._fail(f"ligne {format_number(number)} au-delà de la taille d'une feuille{DAMAGED}.")
        if self.builder.header is None and number > 1:
            self.builder.add(1, [])  # the first row is empty: so is the header
        self.number = number
        if self.builder.reading:
            self.row = []
            self.row_depth = self.depth
            self.column = 0

    def _end_row(self) -> None:
        row, self.row = self.row, None
        self.builder.add(self.number, row)

    def _start_cell(self, attributes: dict) -> None:
        reference = attributes.get("r")
        column = _cell_column(reference) if reference else None
        self.column = column if column is not None else self.column + 1
        self.cell_depth = self.depth
        if self.column > self.builder.width:
            self.cell = _SKIPPED
            return
        self.cell = attributes
        self.inline = attributes.get("t") == "inlineStr"
        self.parts, self.length = [], 0

    def _end_cell(self) -> None:
        cell, self.cell = self.cell, None
        self.collecting = False
        self.phonetic_depth = 0
        if cell is _SKIPPED:
            return
        value = self._value(cell, "".join(self.parts))
        index, row = self.column - 1, self.row
        if index < len(row):
            row[index] = value
        else:
            row.extend([None] * (index - len(row)))
            row.append(value)

    def _value(self, cell: dict, text: str):
        kind = cell.get("t", "n")
        if not text:
            return None
        if kind == "n":
            return self._number(cell, text)
        if kind == "s":
            if text.isdigit() and len(text) <= 10 and int(text) < len(self.shared):
                return self.shared[int(text)]
            return UnreadableCell(text, "cellule de texte partagé introuvable" + DAMAGED)
        if kind == "b":
            if text in ("0", "1"):
                return text == "1"
            return UnreadableCell(text, "cellule de type booléen dont la valeur n'est ni 0 ni 1" + DAMAGED)
        if kind == "d":
            try:
                value = from_ISO8601(text)
            except ValueError:
                value = None
            if value is None:
                return UnreadableCell(
                    text, "cellule de type date dont la valeur n'est pas une date" + DAMAGED
                )
            return value
        return text  # inline strings, formula results ("str"), errors ("e": #N/A…)

    def _number(self, cell: dict, text: str):
        try:
            if len(text) > 18 or "." in text or "e" in text or "E" in text:
                number = float(text)
            else:
                number = int(text)
        except ValueError:
            return UnreadableCell(text, _NOT_A_NUMBER)
        style = cell.get("s", "0")
        if style not in self.dates:
            return number
        try:
            return from_excel(number, self.epoch, timedelta=style in self.durations)
        except (OverflowError, ValueError):
            return UnreadableCell(text, "cellule de type date dont la valeur n'est pas une date" + DAMAGED)


# --- the workbook -----------------------------------------------------------------------------------


def _info(archive: zipfile.ZipFile, path: str) -> zipfile.ZipInfo | None:
    try:
        return archive.getinfo(path)
    except KeyError:
        return None


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _parse_part(archive, path: str, handler: XmlHandler, limit: int, keeper: Keeper) -> bool:
    info = _info(archive, path)
    if info is None:
        return False
    parse_xml(member_chunks(archive, info, limit, _WHAT), handler, keeper.limits, _WHAT)
    return True


def read_xlsx(handle, keeper: Keeper) -> dict[str, RawSheet]:
    limits = keeper.limits
    archive = open_zip(handle, _WHAT, limits)
    with archive:
        package = _Relationships()
        _parse_part(archive, "_rels/.rels", package, limits.part_bytes, keeper)
        workbook_path = next(
            (
                _resolve("", target)
                for kind, target in package.targets.values()
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        workbook = _Workbook()
        if not _parse_part(archive, workbook_path, workbook, limits.part_bytes, keeper):
            raise ContainerError("Le classeur XLSX ne peut pas être lu (fichier endommagé ?).")
        relationships = _Relationships()
        _parse_part(archive, _rels_path(workbook_path), relationships, limits.part_bytes, keeper)
        parts = {
            rid: (kind, _resolve(workbook_path, target))
            for rid, (kind, target) in relationships.targets.items()
        }
        styles, shared = _Styles(), _SharedStrings(keeper)
        for kind, path in parts.values():
            if kind.endswith("/styles"):
                _parse_part(archive, path, styles, limits.part_bytes, keeper)
            elif kind.endswith("/sharedStrings"):
                _parse_part(archive, path, shared, limits.xml_bytes, keeper)
        dates, durations = styles.date_styles()
        epoch = MAC_EPOCH if workbook.date1904 else WINDOWS_EPOCH
        sheets: dict[str, RawSheet] = {}
        for title, rid in workbook.sheets:
            name = title.strip().lower()
            if name not in (MENAGES, PROPOSITIONS) or rid not in parts:
                continue
            if name in sheets:
                raise ContainerError(f"Le classeur contient deux feuilles « {name} ».")
            builder = SheetBuilder(name, keeper)
            handler = _Sheet(builder, shared.strings, dates, durations, epoch)
            if not _parse_part(archive, parts[rid][1], handler, limits.xml_bytes, keeper):
                continue
            if builder.header is None:
                builder.add(1, [])  # an empty sheet: its header is empty
            sheets[name] = builder.finish()
    return sheets
