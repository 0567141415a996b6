"""Typed cell parsing: one function per cell kind, returning the value or raising CellError (French).

An empty cell is *unknown* (None), never zero or "non".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from relogement.core.spreadsheet import unquote
from relogement.exchange.columns import Column

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
CENT = Decimal("0.01")


class CellError(ValueError):
    """The reason a cell is invalid, in plain French."""


@dataclass(frozen=True)
class UnreadableCell:
    """A cell a reader could not turn into a value (a damaged workbook: a number cell holding "abc", a
    date cell without its date): what the file holds, and why it cannot be read, in French. Readers put
    it in place of the value so that the import reports it like any invalid cell (sheet, row, column)."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def display(raw) -> str:
    """The cell as the user typed it, for the report."""
    if raw is None:
        return ""
    if isinstance(raw, UnreadableCell):
        return raw.text
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time(0) else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def parse_text(raw, column: Column) -> str:
    """The text, without the ``'`` the export puts before text a spreadsheet would run as a formula
    (``core.spreadsheet``): ``'=A1`` is the text ``=A1``, whatever the container."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = unquote(str(raw).strip())
    if column.max_length and len(value) > column.max_length:
        raise CellError(f"texte trop long ({len(value)} caractères, {column.max_length} au plus)")
    return value


def parse_insee(raw, column: Column) -> str:
    if isinstance(raw, bool):
        raise CellError("code INSEE invalide")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError("code INSEE invalide (5 caractères attendus, par exemple 59350)")
        raw = str(int(raw))
    value = str(raw).strip().upper()
    if value.isdigit() and len(value) < 5:
        # A spreadsheet that stored the code as a number dropped its leading zeros.
        value = value.zfill(5)
    if not _INSEE_RE.match(value):
        raise CellError("code INSEE invalide (5 caractères attendus, par exemple 59350)")
    return value


def parse_date(raw, column: Column) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    match = _DATE_RE.match(str(raw).strip())
    if not match:
        raise CellError("date invalide (format attendu : AAAA-MM-JJ, par exemple 2024-03-01)")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError("date inexistante") from None


def parse_bool(raw, column: Column) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value == "oui":
        return True
    if value == "non":
        return False
    raise CellError("valeur attendue : « oui » ou « non »")


def parse_decimal(raw, column: Column) -> Decimal:
    if isinstance(raw, bool):
        raise CellError("nombre attendu")
    if isinstance(raw, (int, float)):
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = _SPACES.sub("", str(raw)).replace("€", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError("nombre attendu (décimales avec « . » ou « , »)") from None
    if not value.is_finite():
        raise CellError("nombre attendu")
    if value < 0:
        raise CellError("le nombre ne peut pas être négatif")
    # Compared before rounding: 1E30 cannot be rounded to cents within the decimal precision.
    if column.max_value is not None and value > Decimal(column.max_value):
        raise CellError(f"nombre trop grand ({column.max_value} au plus)")
    try:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise CellError("nombre trop grand") from None


def parse_int(raw, column: Column) -> int:
    if isinstance(raw, bool):
        raise CellError("nombre entier attendu")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError("nombre entier attendu")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = _SPACES.sub("", str(raw))
        if not re.fullmatch(r"\d+", text):
            raise CellError("nombre entier positif attendu")
        if len(text.lstrip("0")) > 9:  # and Python refuses to convert more than 4,300 digits
            raise CellError("nombre trop grand")
        value = int(text)
    if value < 0:
        raise CellError("le nombre ne peut pas être négatif")
    if column.max_value is not None and value > int(column.max_value):
        raise CellError(f"nombre trop grand ({column.max_value} au plus)")
    return value


def parse_choice(raw, column: Column) -> str:
    value = str(raw).strip()
    if value in column.choices:
        return value
    for choice in column.choices:
        if choice.lower() == value.lower():
            return choice
    raise CellError("valeur inconnue (valeurs possibles : " + ", ".join(column.choices) + ")")


PARSERS = {
    "text": parse_text,
    "insee": parse_insee,
    "date": parse_date,
    "bool": parse_bool,
    "decimal": parse_decimal,
    "int": parse_int,
    "choice": parse_choice,
}


def parse_cell(raw, column: Column):
    """The typed value of a cell, None when empty; raises CellError when invalid."""
    if isinstance(raw, UnreadableCell):
        raise CellError(raw.reason)
    if is_empty(raw):
        return None
    return PARSERS[column.kind](raw, column)


def format_cell(value) -> str:
    """The exchange-format text of a value (CSV, and the comparison key of round trips)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT):f}"
    return str(value)
