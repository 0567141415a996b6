"""Dashboard tables to CSV, XLSX (openpyxl) and ODS (odfpy).

Numbers stay numbers (shares as fractions, exact values); a hidden cell (secret statistique, roles
without named data) is the text "< 5", exactly as on screen.
"""

from __future__ import annotations

import csv
import io

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
            writer.writerow([table.caption])
        for row in _rows(table):
            writer.writerow(["" if v is None else v for v in row])
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
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        if table.note:
            ws.append([])
            ws.append([table.note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_ods(tables: list[Table]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table as OdsTable
    from odf.table import TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for table in tables:
        sheet = OdsTable(name=table.id)
        rows = _rows(table)
        if table.note:
            rows = rows + [[], [table.note]]
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, bool) or value is None or isinstance(value, str):
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text="" if value is None else str(value)))
                else:
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "ods": to_ods}
