"""Reading exported files in tests: CSV fields, XLSX cells with their type, ODS cells with their type.

``FORMULA_PAYLOADS``: text that spreadsheet software runs as a formula when it is written raw (OWASP
"CSV injection"); every export must write it as inert text.
"""

import csv
import io
import zipfile
from xml.etree import ElementTree

FORMULA_PAYLOADS = (
    '=HYPERLINK("http://x","clic")',
    "+33 6 12 34 56",
    "-2+3",
    "@SOMME(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def csv_rows(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def csv_dicts(data: bytes | str) -> list[dict[str, str]]:
    header, *rows = csv_rows(data)
    return [dict(zip(header, row, strict=True)) for row in rows if row]


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_cells(data: bytes, sheet: str | None = None) -> list[list]:
    """The rows of a sheet as openpyxl cells (``.value``, ``.data_type``)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [list(row) for row in worksheet.iter_rows()]


def xlsx_dicts(data: bytes, sheet: str | None = None) -> list[dict]:
    """Rows as {header: cell}."""
    header, *rows = xlsx_cells(data, sheet)
    names = [c.value for c in header]
    return [dict(zip(names, row, strict=False)) for row in rows]


def ods_cells(data: bytes, sheet: str | None = None) -> list[list[tuple[str | None, str]]]:
    """The rows of a table as (office:value-type, text) pairs (repeated cells expanded)."""
    root = ElementTree.fromstring(zip_members(data)["content.xml"])
    tables = root.iter(f"{_T}table")
    table = next(t for t in tables if sheet is None or t.get(f"{_T}name") == sheet)
    rows = []
    for row in table.iter(f"{_T}table-row"):
        cells = []
        for cell in row.iter(f"{_T}table-cell"):
            text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{_X}p"))
            repeat = int(cell.get(f"{_T}number-columns-repeated", "1"))
            cells.extend([(cell.get(f"{_O}value-type"), text)] * repeat)
        rows.append(cells)
    return rows


def ods_dicts(data: bytes, sheet: str | None = None) -> list[dict]:
    header, *rows = ods_cells(data, sheet)
    names = [text for _, text in header]
    return [dict(zip(names, row + [(None, "")] * (len(names) - len(row)), strict=True)) for row in rows]


def same_text(read: str, written: str) -> bool:
    """A carriage return comes back from XML as a line feed, or from XlsxWriter's file as the OOXML
    escape ``_x000D_``: each stands for the text written."""
    return read.replace("_x000D_", "\r") == written or read == written.replace("\r", "\n")
