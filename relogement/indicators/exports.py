"""Dashboard tables to CSV, XLSX (openpyxl) and ODS (odfpy).

Numbers stay numbers (shares as fractions, exact values); a hidden cell (secret statistique, roles
without named data) is the text "< 5", exactly as on screen. Text (project, building and reason names)
is never run as a formula by spreadsheet software (``core.spreadsheet``).

XLSX and ODS read like a workbook of the field: one sheet per table with a French name, a title row
(the table, the perimeter and the date), the header row frozen under it with filter buttons, shares
formatted as percentages (the value stays the fraction), dates as real date cells, euros as euros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from relogement.core.spreadsheet import csv_field, odfpy_cell, openpyxl_cell
from relogement.indicators import registry
from relogement.indicators.tables import DATE, MONTH, Cell, Table

SHEET_NAMES = {
    "avancement": "Avancement",
    "progression": "Progression mensuelle",
    "statuts": "Statuts",
    "batiments": "Bâtiments",
    "impact": "Impact",
    "rac": "Reste à charge",
    "effort": "Taux d'effort",
    "surface": "Surface",
    "surpeuplement": "Surpeuplement",
    "processus": "Processus",
    "refus": "Motifs de refus",
    "communes": "Communes",
    "flux": "Flux",
}
# Number formats of the cells by kind (XLSX; the ODS styles say the same).
XLSX_FORMATS = {
    registry.SHARE: "0.0%",
    registry.COUNT: "#,##0",
    registry.EUROS: '#,##0.00\\ "€"',
    registry.MEAN: "#,##0.00",
    DATE: "DD/MM/YYYY",
    MONTH: "MM/YYYY",
}
TITLE_ROW = 1
HEADER_ROW = 2


def sheet_name(table: Table) -> str:
    """The French name of a table's sheet (at most 31 characters, none of []:*?/\\)."""
    name = SHEET_NAMES.get(table.id) or re.sub(r"[\[\]:*?/\\]", " ", table.caption)
    return name[:31]


def _title(table: Table, title: str) -> str:
    return f"{table.caption} — {title}" if title else table.caption


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _rows(table: Table) -> list[list]:
    return [list(table.headers)] + [[cell.export_value for cell in row] for row in table.rows]


def to_csv(tables: list[Table], title: str = "") -> bytes:
    """CSV has no sheets and no formats: each table is preceded by its title line when there are
    several (and the title line says the perimeter and date when given)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, table in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([csv_field(_title(table, title))])
        for row in _rows(table):
            writer.writerow([csv_field(v) for v in row])
    # The BOM lets spreadsheet programs read the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _export_value(cell: Cell):
    value = cell.export_value
    if cell.kind == MONTH and isinstance(value, dt.date):
        return value.replace(day=1)
    return value


def to_xlsx(tables: list[Table], title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(title=sheet_name(table))
        ws.append([openpyxl_cell(ws, _title(table, title))])
        ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=13)
        ws.append([openpyxl_cell(ws, h) for h in table.headers])
        for cell in ws[HEADER_ROW]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([openpyxl_cell(ws, _export_value(c)) for c in row])
            for xl, c in zip(ws[ws.max_row], row, strict=False):
                number_format = XLSX_FORMATS.get(c.kind)
                if number_format and not c.hidden and c.value is not None:
                    xl.number_format = number_format
        last_row = HEADER_ROW + len(table.rows)
        last_column = get_column_letter(len(table.headers))
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
        ws.column_dimensions["A"].width = 40
        for i in range(2, len(table.headers) + 1):
            ws.column_dimensions[get_column_letter(i)].width = 18
        if table.note:
            ws.append([])
            ws.append([openpyxl_cell(ws, table.note)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _ods_styles(doc):
    """Cell styles of the ODS: percentage, date, month, euros, bold (title and header)."""
    from odf.number import (
        CurrencyStyle,
        CurrencySymbol,
        Day,
        Month,
        Number,
        PercentageStyle,
        Text,
        Year,
    )
    from odf.number import DateStyle as NumberDateStyle
    from odf.style import Style, TextProperties

    percent = PercentageStyle(name="N-pct")
    percent.addElement(Number(decimalplaces="1", minintegerdigits="1"))
    percent.addElement(Text(text="%"))
    date = NumberDateStyle(name="N-date")
    date.addElement(Day(style="long"))
    date.addElement(Text(text="/"))
    date.addElement(Month(style="long"))
    date.addElement(Text(text="/"))
    date.addElement(Year(style="long"))
    month = NumberDateStyle(name="N-month")
    month.addElement(Month(style="long"))
    month.addElement(Text(text="/"))
    month.addElement(Year(style="long"))
    euros = CurrencyStyle(name="N-eur")
    euros.addElement(Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    euros.addElement(Text(text="\u00a0"))
    euros.addElement(CurrencySymbol(language="fr", country="FR", text="€"))
    for style in (percent, date, month, euros):
        doc.automaticstyles.addElement(style)
    styles = {}
    for kind, data_style in (
        (registry.SHARE, "N-pct"),
        (DATE, "N-date"),
        (MONTH, "N-month"),
        (registry.EUROS, "N-eur"),
    ):
        style = Style(name=f"ce-{kind}", family="table-cell", datastylename=data_style)
        doc.automaticstyles.addElement(style)
        styles[kind] = style
    bold = Style(name="ce-bold", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    styles["bold"] = bold
    return styles


def _ods_cell(cell: Cell, styles):
    from odf.table import TableCell
    from odf.text import P

    value = _export_value(cell)
    if cell.hidden or value is None or cell.kind not in styles:
        return odfpy_cell(value)
    if cell.kind in (DATE, MONTH):
        out = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=styles[cell.kind])
        out.addElement(P(text=cell.display))
        return out
    if cell.kind == registry.SHARE:
        out = TableCell(valuetype="percentage", value=value, stylename=styles[cell.kind])
    else:
        out = TableCell(valuetype="currency", currency="EUR", value=value, stylename=styles[cell.kind])
    out.addElement(P(text=cell.display))
    return out


def _ods_settings(doc, frozen: list[str]) -> None:
    """Freeze the title and header rows of each sheet (LibreOffice's view settings)."""
    from odf.config import (
        ConfigItem,
        ConfigItemMapEntry,
        ConfigItemMapIndexed,
        ConfigItemMapNamed,
        ConfigItemSet,
    )

    view = ConfigItemSet(name="ooo:view-settings")
    views = ConfigItemMapIndexed(name="Views")
    entry = ConfigItemMapEntry()
    entry.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    sheets = ConfigItemMapNamed(name="Tables")
    for name in frozen:
        sheet = ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", "0"),
            ("VerticalSplitMode", "short", "2"),
            ("VerticalSplitPosition", "int", str(HEADER_ROW)),
            ("ActiveSplitRange", "short", "2"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", str(HEADER_ROW)),
        ):
            sheet.addElement(ConfigItem(name=key, type=kind, text=value))
        sheets.addElement(sheet)
    entry.addElement(sheets)
    views.addElement(entry)
    view.addElement(views)
    doc.settings.addElement(view)


def _ods_address(name: str, columns: int, rows: int) -> str:
    def column(n: int) -> str:
        letters = ""
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(65 + r) + letters
        return letters

    quoted = "'" + name.replace("'", "''") + "'"
    return f"{quoted}.A{HEADER_ROW}:{quoted}.{column(columns)}{HEADER_ROW + rows}"


def to_ods(tables: list[Table], title: str = "") -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import DatabaseRange, DatabaseRanges, TableRow
    from odf.table import Table as OdsTable

    doc = OpenDocumentSpreadsheet()
    styles = _ods_styles(doc)
    ranges = DatabaseRanges()
    names = []
    for i, table in enumerate(tables):
        name = sheet_name(table)
        names.append(name)
        sheet = OdsTable(name=name)
        for texts in ([_title(table, title)], table.headers):
            tr = TableRow()
            for value in texts:
                cell = odfpy_cell(value)
                cell.setAttribute("stylename", styles["bold"])
                tr.addElement(cell)
            sheet.addElement(tr)
        for row in table.rows:
            tr = TableRow()
            for cell in row:
                tr.addElement(_ods_cell(cell, styles))
            sheet.addElement(tr)
        if table.note:
            for texts in ([], [table.note]):
                tr = TableRow()
                for value in texts:
                    tr.addElement(odfpy_cell(value))
                sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
        ranges.addElement(
            DatabaseRange(
                name=f"__Anonymous_Sheet_DB__{i}",
                targetrangeaddress=_ods_address(name, len(table.headers), len(table.rows)),
                displayfilterbuttons="true",
            )
        )
    doc.spreadsheet.addElement(ranges)
    _ods_settings(doc, names)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "ods": to_ods}
