"""Dashboard tables to CSV, XLSX (openpyxl) and ODS (odfpy).

Numbers stay numbers (shares as fractions, exact values); a hidden cell (secret statistique, roles
without named data) is the text "< 5", exactly as on screen. Text (project, building and reason names)
is never run as a formula by spreadsheet software (``core.spreadsheet``).
"""

from __future__ import annotations

import csv
import io

from relogement.core.spreadsheet import csv_field, odfpy_cell, openpyxl_cell
from relogement.indicators.tables import Table

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _rows(table: Table) -> list[list]:
    return [list(table.headers)] + [[cell.export_value for cell in row] for row in table.rows]


def to_csv(tables: list[Table]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([csv_field(table.caption)])
        for row in _rows(table):
            writer.writerow([csv_field(v) for v in row])
    # The BOM lets spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(title=table.id[:31])
        for row in _rows(table):
            ws.append([openpyxl_cell(ws, value) for value in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        if table.note:
            ws.append([])
            ws.append([openpyxl_cell(ws, table.note)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_ods(tables: list[Table]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableRow

    doc = OpenDocumentSpreadsheet()
    for table in tables:
        sheet = OdsTable(name=table.id)
        rows = _rows(table)
        if table.note:
            rows = rows + [[], [table.note]]
        for row in rows:
            tr = TableRow()
            for value in row:
                tr.addElement(odfpy_cell(value))
            sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "ods": to_ods}
