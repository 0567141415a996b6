"""Text written to spreadsheet exports is never run by the spreadsheet software (OWASP "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel or LibreOffice: a household named ``=HYPERLINK("http://x";"clic")`` would become a
live link in the file of everyone who opens the export. Every export writes its cells through this
module:

- CSV has no cell types: such text gets a leading ``'`` (OWASP's advice), which spreadsheet software
  shows and never evaluates (``csv_text``, ``csv_field``);
- XLSX and ODS have cell types: text is written as a string cell, unchanged (``openpyxl_cell``,
  ``XLSXWRITER_OPTIONS``, ``ods_string_cell``).

Only text is concerned: a number, a date or a boolean is a typed value, so a negative amount stays a
number (and in CSV its text ``-12,50`` is left alone).

Files that are imported again (the exchange format) drop that quote on import (``unquote``). So that
the round trip gives back exactly the text written, a text that itself starts with ``'`` followed by
a trigger or another ``'`` gets one more ``'``: in CSV (``csv_text``) and, for the exchange format, in
typed containers too (``quote_escaped``).
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"

# XlsxWriter turns some strings into formulas, numbers or links unless told not to.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def _quoted(text: str) -> bool:
    """``text`` starts with the quote ``unquote`` drops: ``'`` then a trigger or ``'``."""
    return len(text) > 1 and text[0] == QUOTE and (text[1] in FORMULA_TRIGGERS or text[1] == QUOTE)


def csv_text(text: str) -> str:
    """A text as written to a CSV field: a leading ``'`` when a spreadsheet would run it as a formula
    (or when ``unquote`` would otherwise eat one of its own quotes)."""
    if (text and text[0] in FORMULA_TRIGGERS) or _quoted(text):
        return QUOTE + text
    return text


def quote_escaped(text: str) -> str:
    """A text as written to a typed cell of a file that is imported again: unchanged, except one more
    ``'`` where ``unquote`` would eat one of its own."""
    return QUOTE + text if _quoted(text) else text


def unquote(text: str) -> str:
    """The text a cell written by ``csv_text`` or ``quote_escaped`` stood for: one leading ``'`` is
    dropped when the next character is a trigger or ``'``. Any other ``'`` (``'Aulnoye``) is the
    text itself."""
    return text[1:] if _quoted(text) else text


def csv_field(value, fmt: Callable[[object], str] = str) -> str:
    """One CSV field from a typed value: empty for None, ``fmt(value)`` for numbers, dates and
    booleans, text through ``csv_text``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    return fmt(value)


def openpyxl_cell(sheet, value):
    """An openpyxl cell (ordinary or write-only sheet: both ``append`` accept it) holding ``value``;
    text is a string cell even when it starts with ``=``, which openpyxl would make a formula."""
    from openpyxl.cell import Cell

    cell = Cell(sheet, row=1, column=1, value=value)  # as openpyxl's WriteOnlyCell; append places it
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def ods_string_cell(text: str) -> str:
    """The OpenDocument XML of a string cell (``office:value-type="string"``: never evaluated)."""
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'


def odfpy_cell(value):
    """An odfpy table cell: numbers as float cells, anything else (text, booleans, nothing) as a string
    cell, never evaluated."""
    from odf.table import TableCell
    from odf.text import P

    if value is None or isinstance(value, (str, bool)):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text="" if value is None else str(value)))
    else:
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
    return cell
