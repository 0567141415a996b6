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
