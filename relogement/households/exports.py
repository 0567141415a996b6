"""XLSX and CSV exports of a filtered household list: the same columns as the page, within the user's
scope, pseudonyms where names are hidden. Exports of named lists are logged as reads (audit). Text is
never run as a formula by spreadsheet software (``core.spreadsheet``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from relogement.audit.services import file_reads_record
from relogement.core.spreadsheet import openpyxl_cell
from relogement.households.listing import columns_for, csv_value
from relogement.permissions import predicates

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_XLSX_FORMATS = {"money": '#,##0.00 "€"', "int": "0", "date": "DD/MM/YYYY"}


def _xlsx(columns, households) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Ménages")
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = openpyxl_cell(sheet, column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for household in households:
        row = []
        for column in columns:
            cell = openpyxl_cell(sheet, column.value(household))
            if column.kind in _XLSX_FORMATS:
                cell.number_format = _XLSX_FORMATS[column.kind]
            row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(columns, households) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what French spreadsheet software opens without a wizard.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([c.label for c in columns])
    for household in households:
        writer.writerow([csv_value(c.value(household), c.kind) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_response(*, user, households, fmt: str) -> HttpResponse:
    columns = columns_for(user)
    households = list(households)
    content = _xlsx(columns, households) if fmt == "xlsx" else _csv(columns, households)
    if predicates.can_view_named_data(user) and households:
        file_reads_record(user=user, household_ids=[h.pk for h in households], what=f"export {fmt}")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = f"menages-{dt.date.today():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
