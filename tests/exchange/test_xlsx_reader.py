"""The streaming XLSX reader reads typed cells as openpyxl reads them (it replaced openpyxl's reader for
the import, docs/exchange-format.md "Limits")."""

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from relogement.exchange.readers import read_upload
from tests.exchange.files import MENAGE

HEADER = [*MENAGE, "surface_origine", "besoin_pmr", "nom_referent", "loyer_origine"]


@pytest.mark.parametrize("epoch", [CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904])
def test_typed_cells_read_as_openpyxl_reads_them(epoch):
    workbook = openpyxl.Workbook()
    workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = "Menages"
    sheet.append(HEADER)
    values = [
        ["A-1", "p", "b", "l", 59350, dt.datetime(2024, 1, 15), 2, None, "reloge", dt.date(2024, 2, 1)],
        ["A-2", "p", "b", "l", "02004", dt.datetime(1999, 12, 31, 0, 0), 1.0, 3, "x", None],
    ]
    for row in values:
        sheet.append([*row, 62.5, True, "Famille « Dupont » & fils", 450, "au-delà de l'en-tête"])
    sheet["F2"].number_format = "dd/mm/yyyy"  # a custom date format (its own numFmt id)
    sheet["F3"].number_format = "yyyy-mm-dd hh:mm"
    sheet["J2"].number_format = "d-mmm-yy"  # a built-in one
    workbook.create_sheet("Notes").append(["ignorée"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    expected = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)["Menages"]
    rows = [list(r)[: len(HEADER)] for r in expected.iter_rows(values_only=True)]
    sheets = read_upload(io.BytesIO(data), "suivi.xlsx")
    assert list(sheets) == ["menages"]
    sheet = sheets["menages"]
    assert sheet.header == HEADER and sheet.columns == HEADER
    assert [values for _, values in sheet.rows] == rows[1:]
    assert [type(v) for v in next(iter(sheet.rows))[1]] == [type(v) for v in rows[1]]
