"""Export of the exchange format: the households of a perimeter and their notified proposals.

The queryset given is already scoped (``Household.objects.visible_to(user)``); names are left empty
for roles without access to named data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from django.db.models import QuerySet

from relogement.exchange import snapshot
from relogement.exchange.cells import format_cell
from relogement.exchange.columns import COLUMNS, MENAGES, PROPOSITIONS

FORMATS = ("xlsx", "ods", "csv")


def export_rows(households: QuerySet, *, named: bool) -> dict[str, Iterator[dict]]:
    """Typed rows per sheet (generators: the export streams chunk by chunk)."""

    def menages():
        for chunk in snapshot.iter_chunks(households):
            for household in chunk:
                yield snapshot.household_values(household, named=named)

    def propositions():
        ids = list(households.order_by().values_list("pk", flat=True))
        for start in range(0, len(ids), snapshot.CHUNK):
            for proposal in snapshot.proposal_queryset(ids[start : start + snapshot.CHUNK]):
                yield snapshot.proposal_values(proposal)

    return {MENAGES: menages(), PROPOSITIONS: propositions()}


def _names(sheet: str) -> list[str]:
    return [c.name for c in COLUMNS[sheet]]


def _kinds(sheet: str) -> dict[str, str]:
    return {c.name: c.kind for c in COLUMNS[sheet]}


# --- writers ------------------------------------------------------------------------------------


def write_csv(handle, sheet: str, rows) -> None:
    """UTF-8 with a BOM (so that spreadsheet software detects the encoding), `;` separator."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    names = _names(sheet)
    writer.writerow(names)
    for row in rows:
        writer.writerow([format_cell(row[n]) for n in names])
    text.flush()
    text.detach()


def write_csv_folder(folder: Path, sheets: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        with (folder / f"{sheet}.csv").open("wb") as handle:
            write_csv(handle, sheet, rows)


def write_csv_zip(handle, sheets: dict) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in sheets.items():
            with archive.open(f"{sheet}.csv", "w") as member:
                write_csv(member, sheet, rows)


def _spreadsheet_value(value, kind: str):
    """Dates as real date cells, numbers as numbers, booleans as oui/non, codes as text."""
    if value is None:
        return None
    if kind in ("bool", "text", "insee", "choice"):
        return format_cell(value)
    return value


def write_xlsx(handle, sheets: dict) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    for sheet, rows in sheets.items():
        ws = workbook.create_sheet(sheet)
        names, kinds = _names(sheet), _kinds(sheet)
        ws.append(names)
        for row in rows:
            cells = []
            for name in names:
                value = _spreadsheet_value(row[name], kinds[name])
                if isinstance(value, dt.date):
                    cell = openpyxl.cell.WriteOnlyCell(ws, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    value = cell
                cells.append(value)
            ws.append(cells)
    workbook.save(handle)


def write_ods(handle, sheets: dict) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for sheet, rows in sheets.items():
        table = Table(name=sheet)
        names, kinds = _names(sheet), _kinds(sheet)
        header = TableRow()
        for name in names:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=name))
            header.addElement(cell)
        table.addElement(header)
        for row in rows:
            tr = TableRow()
            for name in names:
                value = _spreadsheet_value(row[name], kinds[name])
                if value is None:
                    tr.addElement(TableCell())
                    continue
                if isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    text = value.isoformat()
                elif isinstance(value, (int, Decimal)):
                    cell = TableCell(valuetype="float", value=str(value))
                    text = format_cell(value)
                else:
                    cell = TableCell(valuetype="string")
                    text = str(value)
                cell.addElement(P(text=text))
                tr.addElement(cell)
            table.addElement(tr)
        document.spreadsheet.addElement(table)
    document.write(handle)


def write_export(target, sheets: dict, fmt: str) -> None:
    """``target``: a path (or, for a folder of CSV files, a directory path) or a binary handle."""
    if fmt == "csv-folder":
        write_csv_folder(Path(target), sheets)
    elif fmt == "csv":
        write_csv_zip(target, sheets)
    elif fmt == "xlsx":
        write_xlsx(target, sheets)
    elif fmt == "ods":
        write_ods(target, sheets)
    else:
        raise ValueError(fmt)


def format_for_path(path: str) -> str:
    if path.endswith("/") or Path(path).is_dir():
        return "csv-folder"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "zip":
        return "csv"
    if suffix in ("xlsx", "ods"):
        return suffix
    raise ValueError(path)
