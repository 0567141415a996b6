"""ODS workbooks: content.xml streamed through expat, rows pushed to the sheets as they end.

odfpy's object tree is far too slow for a large workbook, and even ElementTree's iterparse builds a whole
row before handing it out: a single row of ten million cells would fill the memory. Here only the cells
that matter are kept (the sheet's columns; text up to the cell limit), and repeats are counted, never
expanded: a blank row repeated fifty million times is skipped in one step, a data row repeated beyond
the row limit is refused (limits.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from relogement.core.formatting import format_number
from relogement.exchange.archives import XmlHandler, member_chunks, open_zip, parse_xml
from relogement.exchange.cells import UnreadableCell
from relogement.exchange.columns import MENAGES, PROPOSITIONS
from relogement.exchange.sheets import DAMAGED, ContainerError, Keeper, RawSheet, SheetBuilder

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_TABLE = _TABLE_NS + "table"
_TABLE_NAME = _TABLE_NS + "name"
_ROW = _TABLE_NS + "table-row"
_CELL = _TABLE_NS + "table-cell"
_COVERED = _TABLE_NS + "covered-table-cell"
_COLS_REPEATED = _TABLE_NS + "number-columns-repeated"
_ROWS_REPEATED = _TABLE_NS + "number-rows-repeated"
_VALUE_TYPE = _OFFICE_NS + "value-type"
_VALUE = _OFFICE_NS + "value"
_DATE_VALUE = _OFFICE_NS + "date-value"
_BOOLEAN_VALUE = _OFFICE_NS + "boolean-value"
_P = _TEXT_NS + "p"
_SPACES = _TEXT_NS + "s"
_SPACE_COUNT = _TEXT_NS + "c"
_TAB = _TEXT_NS + "tab"
_LINE_BREAK = _TEXT_NS + "line-break"
_WHAT = "Le classeur ODS"


def _number(attributes: dict, text: str):
    raw = attributes.get(_VALUE)
    if raw is None:
        return UnreadableCell(text, "cellule de type nombre sans valeur" + DAMAGED)
    try:
        number = Decimal(raw)
        finite = number.is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        return UnreadableCell(raw, "cellule de type nombre dont la valeur n'est pas un nombre" + DAMAGED)
    # int() of 1E999999999 would build a billion-digit integer: only small integral values become int.
    if number.adjusted() < 18 and number == number.to_integral_value():
        return int(number)
    return float(raw)


def _date(attributes: dict, text: str):
    raw = attributes.get(_DATE_VALUE)
    if raw is None:
        return UnreadableCell(text, "cellule de type date sans date" + DAMAGED)
    try:
        return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
    except ValueError:
        return UnreadableCell(raw, "cellule de type date dont la valeur n'est pas une date" + DAMAGED)


def _value(attributes: dict, text: str):
    value_type = attributes.get(_VALUE_TYPE)
    if value_type in ("float", "percentage", "currency"):
        return _number(attributes, text)
    if value_type == "date":
        return _date(attributes, text)
    if value_type == "boolean":
        return attributes.get(_BOOLEAN_VALUE) == "true"
    return text if text != "" else None


class _Content(XmlHandler):
    """content.xml: a SheetBuilder for each table of the format, fed row by row."""

    def __init__(self, keeper: Keeper):
        self.keeper = keeper
        self.limits = keeper.limits
        self.sheets: dict[str, RawSheet] = {}
        self.seen: set[str] = set()
        self.table_depth = 0  # depth of the open table element, 0 outside tables
        self.builder: SheetBuilder | None = None  # None in a table that is not read
        self.number = 0  # rows of the open table so far: the next row is number + 1
        self.row: list | None = None  # values of the row being read
        self.row_depth = 0
        self.row_repeat = 1
        self.cell_depth = 0  # depth of the open cell, 0 outside cells
        self.cell: dict | None = None  # its attributes; None when its column does not matter
        self.cell_repeat = 1
        self.p_depth = 0  # depth of the open paragraph of the cell
        self.paragraphs = 0
        self.parts: list[str] = []
        self.length = 0

    # --- events -----------------------------------------------------------------------------------

    def start(self, name: str, attributes: dict) -> None:
        if self.cell_depth:
            if self.cell is None:
                return
            if name == _P and self.depth == self.cell_depth + 1:
                self.p_depth = self.depth
                if self.paragraphs:
                    self._add_text("\n")
                self.paragraphs += 1
            elif self.p_depth:
                if name == _SPACES:
                    count = attributes.get(_SPACE_COUNT, "1")
                    count = int(count) if count.isdigit() and len(count) <= 6 else 1
                    self._add_text(" " * min(count, self.limits.cell_chars + 1))
                elif name == _TAB:
                    self._add_text("\t")
                elif name == _LINE_BREAK:
                    self._add_text("\n")
        elif self.row is not None:
            if name == _CELL or name == _COVERED:
                self._start_cell(attributes)
        elif self.builder is not None:
            if name == _ROW and self.builder.reading:
                self._start_row(attributes)
        elif name == _TABLE and not self.table_depth:
            self._start_table(attributes)

    def end(self, name: str) -> None:
        if self.cell_depth:
            if self.depth == self.cell_depth:
                self._end_cell()
            elif self.depth == self.p_depth:
                self.p_depth = 0
        elif self.row is not None:
            if self.depth == self.row_depth:
                self._end_row()
        elif self.depth == self.table_depth:
            self._end_table()

    def text(self, data: str) -> None:
        if self.p_depth and self.cell is not None:
            self._add_text(data)

    # --- tables and rows --------------------------------------------------------------------------

    def _start_table(self, attributes: dict) -> None:
        self.table_depth = self.depth
        self.number = 0
        name = (attributes.get(_TABLE_NAME) or "").strip().lower()
        if name not in (MENAGES, PROPOSITIONS):
            return
        if name in self.seen:
            raise ContainerError(f"Le classeur contient deux feuilles « {name} ».")
        self.seen.add(name)
        self.builder = SheetBuilder(name, self.keeper)

    def _end_table(self) -> None:
        if self.builder is not None:
            sheet = self.builder.finish()
            if sheet is not None:
                self.sheets[sheet.name] = sheet
        self.table_depth = 0
        self.builder = None

    def _start_row(self, attributes: dict) -> None:
        self.row_repeat = self._repeat(attributes.get(_ROWS_REPEATED), "lignes")
        self.row = []
        self.row_depth = self.depth

    def _end_row(self) -> None:
        values, self.row = self.row, None
        first, repeat = self.number + 1, self.row_repeat
        self.number += repeat
        while values and values[-1] is None:
            values.pop()
        # Blank rows (repeated by the thousand after the data) are dropped by the builder in one step.
        self.builder.add(first, values, repeat)

    def _repeat(self, raw: str | None, kind: str) -> int:
        if raw is None:
            return 1
        text = raw.strip()
        if text.isdigit() and len(text) <= 10 and int(text) >= 1:
            return int(text)
        raise ContainerError(
            f"Feuille « {self.builder.name} », ligne {format_number(self.number + 1)} : nombre de {kind} "
            f"répétées invalide (« {raw[:50]} »){DAMAGED}."
        )

    # --- cells ------------------------------------------------------------------------------------

    def _start_cell(self, attributes: dict) -> None:
        self.cell_repeat = self._repeat(attributes.get(_COLS_REPEATED), "colonnes")
        self.cell_depth = self.depth
        if len(self.row) >= self.builder.width:
            self.cell = None  # a column the import does not read
            return
        self.cell = attributes
        self.paragraphs = 0
        self.parts = []
        self.length = 0

    def _end_cell(self) -> None:
        self.cell_depth = self.p_depth = 0
        if self.cell is None:
            return
        value = _value(self.cell, "".join(self.parts))
        self.cell, self.parts = None, []
        count = min(self.cell_repeat, self.builder.width - len(self.row))
        if count == 1:
            self.row.append(value)
        else:
            self.row.extend([value] * count)

    def _add_text(self, data: str) -> None:
        # One character more than the limit is kept, so that the builder reports the cell as too long.
        room = self.limits.cell_chars + 1 - self.length
        if room > 0:
            piece = data[:room]
            self.parts.append(piece)
            self.length += len(piece)


def read_ods(handle, keeper: Keeper) -> dict[str, RawSheet]:
    archive = open_zip(handle, _WHAT, keeper.limits)
    with archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            raise ContainerError("Le classeur ODS ne peut pas être lu (fichier endommagé ?).") from None
        content = _Content(keeper)
        parse_xml(member_chunks(archive, info, keeper.limits.xml_bytes, _WHAT), content, keeper.limits, _WHAT)
    return content.sheets
