"""Raw sheets (header + numbered rows) and what the readers keep of a file, within the import limits.

Row numbers are the spreadsheet's (the header is row 1), so that the report points at the right line.
Every reader pushes its rows into a ``SheetBuilder``: it reads the header first (a sheet whose header
lacks a required column is not read further), keeps only the format's columns, drops blank rows, and
counts the memory the import will need for what it keeps (the raw rows, each distinct value once,
and what importer.py adds: typed values, row objects, checks) against ``ImportLimits.memory_bytes``,
so that no file, whatever its content, makes the import hold more than the limits allow.
"""

from __future__ import annotations

import sys
import threading
from array import array
from dataclasses import dataclass, field

from relogement.core.formatting import format_number
from relogement.exchange.cells import UnreadableCell
from relogement.exchange.columns import COLUMNS
from relogement.exchange.headers import read_header
from relogement.exchange.limits import MIB, ImportLimits

DAMAGED = " (classeur endommagé : réenregistrez-le avec le tableur)"
SPLIT = "découpez le fichier, par exemple par projet"
# Parsed values the importer shares per column (equal cells get the same typed value); the builder
# mirrors this table to count only the typed values the importer will really create.
PARSED_PER_COLUMN = 4_096


class ContainerError(ValueError):
    """The file itself cannot be read (French message)."""


class SheetRows:
    """A sheet's rows as (row number, values) pairs; the numbers are stored as machine integers rather
    than a tuple and an int object per row (a tenth of the memory of a row of the format)."""

    __slots__ = ("numbers", "values")
    __hash__ = None

    def __init__(self, pairs=()):
        self.numbers = array("q")
        self.values: list[list] = []
        for number, values in pairs:
            self.append(number, values)

    def append(self, number: int, values: list) -> None:
        self.numbers.append(number)
        self.values.append(values)

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self):
        return zip(self.numbers, self.values, strict=True)

    def __getitem__(self, index: int) -> tuple[int, list]:
        return self.numbers[index], self.values[index]

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def __repr__(self) -> str:
        return f"SheetRows({list(self)!r})"


@dataclass
class RawSheet:
    name: str
    header: list[str]  # the header row as written
    columns: list[str] = field(default_factory=list)  # the format's columns found in it, in its order
    rows: SheetRows = field(default_factory=SheetRows)  # (row number, values aligned with columns)


def is_blank_row(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


# Called as progress(phase, rows_read, rows_expected) while a sheet is read (0 when unknown).
_progress = threading.local()


def set_progress(callback) -> None:
    _progress.callback = callback


# Estimated sizes (CPython 3.11, 64 bits), checked by tests/exchange/test_hostile_files.py against
# tracemalloc. A kept row: its number and its slot in SheetRows, its values list (+ 8 bytes a column).
# What importer.py adds to each row: its typed values (a list of the sheet's columns: + 8 bytes a
# column), its Row, its place in the plan and in the duplicate checks. A distinct value is kept once,
# with its entry in the table of kept values (a tuple key when it is not text); the first
# PARSED_PER_COLUMN distinct values of a column get one typed value each, shared by the importer, the
# others one per cell.
_ROW_BYTES = 16 + 72
_REPEATED_ROW_BYTES = 16  # an ODS repeat shares the values list
_IMPORT_ROW_BYTES = 56 + 104 + 64 + 256  # typed list, Row, plan entry, check entries (dicts grown)
_SLOT_BYTES = 8
_ENTRY_BYTES = 64
_TUPLE_KEY_BYTES = 56
_TYPED_BYTES = {"decimal": 104, "date": 32, "int": 32, "insee": 56, "text": 0, "choice": 0, "bool": 0}


class Keeper:
    """What the readers keep of one file, and what the import will add to it. Equal values are kept
    once: a file repeats its project, statuses, dates and amounts on every row, and a CSV reader builds
    a new string for each cell.

    Some memory lasts while the file is read only (the tables that find equal values), some is added
    by the import once reading is over: the estimate is what both phases share plus the larger of
    the two."""

    def __init__(self, limits: ImportLimits):
        self.limits = limits
        self.kept = 0  # both phases: the rows and their values
        self.reading = 0  # while reading only
        self.importing = 0  # added by the import
        self._values: dict = {}

    @property
    def memory_bytes(self) -> int:
        return self.kept + max(self.reading, self.importing)

    def charge(self, kept: int, reading: int = 0, importing: int = 0) -> None:
        self.kept += kept
        self.reading += reading
        self.importing += importing
        if self.memory_bytes > self.limits.memory_bytes:
            raise ContainerError(
                "Le fichier contient trop de données pour être importé en une fois (plus de "
                f"{format_number(self.limits.memory_bytes // MIB)} Mo en mémoire) : {SPLIT}."
            )

    def keep(self, value):
        kind = type(value)
        if value is None or kind is bool:
            return value
        key = value if kind is str else (kind, value)
        kept = self._values.get(key)
        if kept is not None:
            return kept
        entry = _ENTRY_BYTES if kind is str else _ENTRY_BYTES + _TUPLE_KEY_BYTES
        size = sys.getsizeof(value)
        if kind is UnreadableCell:
            size += sys.getsizeof(value.text)
        self.charge(size, reading=entry)
        self._values[key] = value
        return value


def parsed_key(raw):
    """The key of a raw cell in the tables of parsed values (1, 1.0 and True are equal but parse
    differently)."""
    return raw if type(raw) is str else (type(raw), raw)


def _typed_bytes(kind: str, raw) -> int:
    """The memory of the typed value parse_cell makes of a raw cell."""
    if kind == "text":
        if type(raw) is not str:
            return 56  # str() of a number
        # strip() copies text with spaces around it, unquote() text behind a quote (core/spreadsheet.py)
        copied = raw[:1].isspace() or raw[-1:].isspace() or raw[:1] == "'"
        return sys.getsizeof(raw) if copied else 0
    return _TYPED_BYTES.get(kind, 56)


class SheetBuilder:
    """One sheet's rows as a reader finds them: ``add(number, cells, repeat)`` for every row that is not
    blank (the first row added is the header), then ``finish()``. Readers may drop the cells of a row
    beyond ``width``: they are not kept."""

    def __init__(self, name: str, keeper: Keeper, expected: int = 0):
        self.name = name
        self.keeper = keeper
        self.limits = keeper.limits
        self.expected = expected
        self.header: list[str] | None = None
        self.columns: list[str] = []
        self.positions: list[int] = []  # the header index of each kept column
        self.reading = True  # false when the header is unusable: the import stops there
        self.width = self.limits.columns + 1  # one more than allowed, so that a wider header is noticed
        self.rows = SheetRows()
        self.data_rows = 0
        self.import_row_bytes = _IMPORT_ROW_BYTES + _SLOT_BYTES * len(COLUMNS[name])
        self._next_progress = 1000

    def add(self, number: int, cells: list, repeat: int = 1) -> None:
        if self.header is None:
            self._set_header(cells)
            if repeat > 1:
                self.add(number + 1, cells, repeat - 1)
            return
        if not self.reading:
            return
        values = [None] * len(self.positions)  # exactly sized: a comprehension over-allocates
        width = len(cells)
        for index, position in enumerate(self.positions):
            if position < width:
                values[index] = cells[position]
        if is_blank_row(values):
            return
        if self.data_rows + repeat > self.limits.rows:
            limit = format_number(self.limits.rows)
            if repeat > 1:
                raise ContainerError(
                    f"Feuille « {self.name} », ligne {format_number(number)} : ligne répétée "
                    f"{format_number(repeat)} fois, au-delà de la limite de {limit} lignes de données "
                    f"par feuille ; {SPLIT}."
                )
            raise ContainerError(f"Feuille « {self.name} » : plus de {limit} lignes de données ; {SPLIT}.")
        keep = self.keeper.keep
        typed = tables = 0  # typed values of this row created once; table entries while reading
        typed_each = 0  # typed values created again for each repetition of the row (tables full)
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is str and len(value) > self.limits.cell_chars:
                self._too_long(number, self.columns[index])
            values[index] = keep(value)
            key = parsed_key(value)
            parsed = self.parsed[index]
            if key in parsed:
                continue
            size = _typed_bytes(self.kinds[index], value)
            if len(parsed) < PARSED_PER_COLUMN:
                parsed.add(key)
                typed += size + _ENTRY_BYTES  # the value and its entry in the importer's table
                tables += _ENTRY_BYTES  # its entry in this builder's copy of the table
            else:
                typed_each += size
        self.keeper.charge(
            _ROW_BYTES + _SLOT_BYTES * len(values) + (repeat - 1) * _REPEATED_ROW_BYTES,
            reading=tables,
            importing=typed + repeat * (typed_each + self.import_row_bytes),
        )
        self.data_rows += repeat
        for offset in range(repeat):
            self.rows.append(number + offset, values)
        last = number + repeat - 1
        if last >= self._next_progress:
            self._next_progress = (last // 1000 + 1) * 1000
            callback = getattr(_progress, "callback", None)
            if callback is not None:
                expected = self.expected if self.expected >= last else 0
                callback("Lecture du fichier", last, expected)

    def finish(self) -> RawSheet | None:
        """The sheet, or None when it has no row at all (not even a header)."""
        if self.header is None:
            return None
        return RawSheet(name=self.name, header=self.header, columns=self.columns, rows=self.rows)

    def _set_header(self, cells: list) -> None:
        titles = [("" if v is None else str(v)).strip().lstrip("\ufeff") for v in cells]
        while titles and not titles[-1]:
            titles.pop()
        if len(titles) > self.limits.columns:
            raise ContainerError(
                f"Feuille « {self.name} » : plus de {format_number(self.limits.columns)} colonnes dans la "
                "ligne d'en-tête."
            )
        for index, title in enumerate(titles):
            if len(title) > self.limits.cell_chars:
                self._too_long(1, f"n° {index + 1}")
        self.header = titles
        header = read_header(self.name, titles)
        self.reading = header.usable
        placed = sorted(header.positions.items(), key=lambda item: item[1])
        self.columns = [name for name, _ in placed]
        self.positions = [index for _, index in placed]
        kinds = {column.name: column.kind for column in COLUMNS[self.name]}
        self.kinds = [kinds[name] for name in self.columns]
        self.parsed: list[set] = [set() for _ in self.columns]
        self.width = self.positions[-1] + 1 if self.reading and placed else 0
        self.keeper.charge(sum(sys.getsizeof(t) for t in titles))

    def _too_long(self, number: int, column: str) -> None:
        raise ContainerError(
            f"Feuille « {self.name} », ligne {format_number(number)}, colonne « {column} » : cellule de "
            f"plus de {format_number(self.limits.cell_chars)} caractères."
        )
