"""Export of the exchange format: the households of a perimeter and their notified proposals.

The queryset given is already scoped (``Household.objects.visible_to(user)``); within it, each cell is
left empty where the predicate of its column (``columns.Column.shown_if``) hides the field from the
user on the household's pages: an export shows nothing its reader could not see on screen.
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

from relogement.core.spreadsheet import XLSXWRITER_OPTIONS, csv_field, ods_string_cell, quote_escaped
from relogement.exchange import snapshot
from relogement.exchange.cells import format_cell
from relogement.exchange.columns import COLUMNS, MENAGES, PROPOSITIONS

FORMATS = ("xlsx", "ods", "csv")


def _governed(sheet: str) -> list[tuple[object, list[str]]]:
    """The sheet's predicates, each with the columns it governs: evaluated once per row, not once per
    column (four columns share the before-costs rule; a whole metropolis is 100,000 rows)."""
    columns: dict[object, list[str]] = {}
    for column in COLUMNS[sheet]:
        if column.shown_if is not None:
            columns.setdefault(column.shown_if, []).append(column.name)
    return list(columns.items())


def _blank_hidden(row: dict, governed, viewer, household) -> dict:
    """``row`` with the cells ``viewer`` may not see for ``household`` emptied."""
    for shown_if, names in governed:
        if not shown_if(viewer, household):
            for name in names:
                row[name] = None
    return row


def export_rows(households: QuerySet, *, viewer, progress=None) -> dict[str, Iterator[dict]]:
    """Typed rows per sheet (generators: the export streams chunk by chunk), as ``viewer`` may see
    them; ``viewer=None`` for the command line, which exports every column. ``progress(done)`` is
    called after each chunk of households."""
    governed = {sheet: _governed(sheet) if viewer is not None else [] for sheet in COLUMNS}

    def menages():
        done = 0
        for chunk in snapshot.iter_chunks(households):
            for household in chunk:
                row = snapshot.household_values(household)
                yield _blank_hidden(row, governed[MENAGES], viewer, household)
            done += len(chunk)
            if progress is not None:
                progress(done)

    def propositions():
        ids = list(households.order_by().values_list("pk", flat=True))
        for start in range(0, len(ids), snapshot.CHUNK):
            for proposal in snapshot.exported_proposals(ids[start : start + snapshot.CHUNK]):
                row = snapshot.proposal_values(proposal)
                # A predicate on a proposal column reads the household's fields: load them in
                # ``snapshot.exported_proposals`` (else one query per proposal).
                yield _blank_hidden(row, governed[PROPOSITIONS], viewer, proposal.household)

    return {MENAGES: menages(), PROPOSITIONS: propositions()}


def _names(sheet: str) -> list[str]:
    return [c.name for c in COLUMNS[sheet]]


def _kinds(sheet: str) -> dict[str, str]:
    return {c.name: c.kind for c in COLUMNS[sheet]}


# --- writers ------------------------------------------------------------------------------------


def write_csv(handle, sheet: str, rows) -> None:
    """UTF-8 with a BOM (so that spreadsheet software detects the encoding), `;` separator; text that a
    spreadsheet would run as a formula gets a leading `'` (dropped again on import)."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    names = _names(sheet)
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_field(row[n], format_cell) for n in names])
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
    """Dates as real date cells, numbers as numbers, booleans as oui/non, codes and text as string
    cells (text written so that the import gives it back, see ``core.spreadsheet.quote_escaped``)."""
    if value is None:
        return None
    if kind == "text":
        return quote_escaped(format_cell(value))
    if kind in ("bool", "insee", "choice"):
        return format_cell(value)
    return value


def write_xlsx(handle, sheets: dict) -> None:
    """XlsxWriter in constant-memory mode (each row written as it comes, to a temporary file): three
    times faster than openpyxl's write-only mode on the 100,000-household base, which spent most of
    its time building an element tree per cell. Text is always written as text (never turned into a
    formula, a number or a link)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, **XLSXWRITER_OPTIONS})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet, rows in sheets.items():
        ws = workbook.add_worksheet(sheet)
        names, kinds = _names(sheet), _kinds(sheet)
        for column, name in enumerate(names):
            ws.write_string(0, column, name)
        for line, row in enumerate(rows, start=1):
            for column, name in enumerate(names):
                value = _spreadsheet_value(row[name], kinds[name])
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(line, column, value, date_format)
                elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    ws.write_number(line, column, value)
                else:
                    ws.write_string(line, column, str(value))
    workbook.close()


_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">'
    "<office:automatic-styles>"
    '<number:date-style style:name="N_ISO"><number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
    "</number:date-style>"
    '<style:style style:name="ce_date" style:family="table-cell" style:data-style-name="N_ISO"/>'
    "</office:automatic-styles><office:body><office:spreadsheet>"
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        text = value.isoformat()
        return (
            f'<table:table-cell table:style-name="ce_date" office:value-type="date" '
            f'office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
        )
    if isinstance(value, (int, Decimal)):
        text = format_cell(value)
        return f'<table:table-cell office:value-type="float" office:value="{text}"><text:p>{text}</text:p></table:table-cell>'
    return ods_string_cell(str(value))


def write_ods(handle, sheets: dict) -> None:
    """OpenDocument spreadsheet written as XML text: building odfpy's object tree for half a million
    cells takes minutes, this takes seconds (the file is the same OpenDocument 1.2 structure)."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        with archive.open("content.xml", "w") as member:
            out = io.TextIOWrapper(member, encoding="utf-8")
            out.write(_ODS_HEAD)
            for sheet, rows in sheets.items():
                names, kinds = _names(sheet), _kinds(sheet)
                out.write(f'<table:table table:name="{sheet}"><table:table-row>')
                out.write("".join(_ods_cell(name) for name in names))
                out.write("</table:table-row>")
                for row in rows:
                    cells = "".join(_ods_cell(_spreadsheet_value(row[n], kinds[n])) for n in names)
                    out.write(f"<table:table-row>{cells}</table:table-row>")
                out.write("</table:table>")
            out.write(_ODS_TAIL)
            out.flush()
            out.detach()


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
