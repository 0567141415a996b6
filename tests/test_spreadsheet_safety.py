"""core.spreadsheet: the one rule by which every export writes text that no spreadsheet runs."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from relogement.core.spreadsheet import csv_field, csv_text, odfpy_cell, openpyxl_cell, quote_escaped, unquote
from tests.spreadsheets import FORMULA_PAYLOADS, same_text, xlsx_cells


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_csv_text_quotes_what_a_spreadsheet_would_run(payload):
    assert csv_text(payload) == "'" + payload
    assert unquote(csv_text(payload)) == payload


@pytest.mark.parametrize("text", ["Famille Martin", "", "'Aulnoye", "a=b", " =1", "O'Neil"])
def test_csv_text_leaves_other_text_alone(text):
    assert csv_text(text) == text
    assert unquote(text) == text


@pytest.mark.parametrize("text", ["'=1+1", "''", "'''x", "'-", "'@a"])
def test_text_starting_with_the_quote_itself_round_trips(text):
    """A text that starts with the very quote ``unquote`` drops gets one more, in CSV and in typed
    cells of the exchange format, so that the import gives back exactly the text written."""
    assert csv_text(text) == "'" + text
    assert quote_escaped(text) == "'" + text
    assert unquote(csv_text(text)) == text
    assert unquote(quote_escaped(text)) == text


def test_quote_escaped_leaves_formula_like_text_unchanged_for_typed_cells():
    for payload in FORMULA_PAYLOADS:
        assert quote_escaped(payload) == payload


def test_csv_field_neutralises_text_only():
    assert csv_field(None) == ""
    assert csv_field("=1+1") == "'=1+1"
    assert csv_field(Decimal("-12.50"), lambda v: f"{v:.2f}".replace(".", ",")) == "-12,50"
    assert csv_field(-3) == "-3"
    assert csv_field(-0.25) == "-0.25"
    assert csv_field(dt.date(2024, 1, 2), lambda d: d.isoformat()) == "2024-01-02"


def test_openpyxl_cell_writes_text_as_string_cells_and_numbers_as_numbers():
    from openpyxl import Workbook

    for write_only in (True, False):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("feuille")
        sheet.append([openpyxl_cell(sheet, v) for v in (*FORMULA_PAYLOADS, -4.5, None)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        (row,) = xlsx_cells(buffer.getvalue(), "feuille")
        for payload, cell in zip(FORMULA_PAYLOADS, row, strict=False):
            assert cell.data_type == "s" and same_text(cell.value, payload)
        assert row[len(FORMULA_PAYLOADS)].data_type == "n" and row[len(FORMULA_PAYLOADS)].value == -4.5


def test_odfpy_cell_types():
    from odf.namespaces import OFFICENS

    assert odfpy_cell("=1+1").getAttrNS(OFFICENS, "value-type") == "string"
    assert odfpy_cell(None).getAttrNS(OFFICENS, "value-type") == "string"
    assert odfpy_cell(-2.5).getAttrNS(OFFICENS, "value-type") == "float"
