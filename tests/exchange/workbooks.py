"""Workbooks written as raw XML, for what no spreadsheet writes: damaged cells, huge repeats, zip bombs."""

import io
import zipfile
from xml.sax.saxutils import escape

from tests.exchange.files import MENAGE

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_text(value, attrs: str = "") -> str:
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_row(cells: list[str], attrs: str = "") -> str:
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def menage_cells(**replaced: str) -> list[str]:
    """The cells of tests.exchange.files.MENAGE as text cells, some replaced by raw cell XML."""
    return [replaced.get(name, ods_text(value)) for name, value in MENAGE.items()]


def header_row() -> str:
    return ods_row([ods_text(name) for name in MENAGE])


def ods_bytes(tables: dict[str, list[str]]) -> bytes:
    """An ODS package: table name → its rows' XML."""
    body = "".join(
        f'<table:table table:name="{name}">{"".join(rows)}</table:table>' for name, rows in tables.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


# --- XLSX ---------------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_cell(reference: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def xlsx_row(number: int, values: list) -> str:
    letters = [chr(65 + i) if i < 26 else "A" + chr(65 + i - 26) for i in range(len(values))]
    cells = "".join(xlsx_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def menage_rows(count: int) -> list[str]:
    """The header of tests.exchange.files.MENAGE and ``count`` rows of it (distinct references)."""
    rows = [xlsx_row(1, list(MENAGE))]
    for number in range(2, count + 2):
        rows.append(
            xlsx_row(number, [f"IMP-{number}" if n == "ref_menage" else v for n, v in MENAGE.items()])
        )
    return rows


def xlsx_bytes(rows: list[str], *, dimension: str | None = None, shared_strings: str | None = None) -> bytes:
    """An XLSX package with one sheet, "menages", holding the rows' XML (and optional shared strings)."""
    parts = {
        "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
        '<sheet name="menages" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + f"<sheetData>{''.join(rows)}</sheetData></worksheet>",
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{shared_strings}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """The zip with ``member``'s uncompressed size, as its central directory declares it, replaced."""
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    name = member.encode()
    start = buffer.rindex(b"PK\x01\x02", 0, buffer.rindex(name))  # its central directory entry
    buffer[start + 24 : start + 28] = declared.to_bytes(4, "little")
    local = info.header_offset  # and its local header, which zipfile also reads
    buffer[local + 22 : local + 26] = declared.to_bytes(4, "little")
    return bytes(buffer)
