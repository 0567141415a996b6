"""What an imported follow-up file may hold (docs/exchange-format.md, "Limits").

An imported file comes from outside and is read inside the web process: a workbook of 7 KB can declare
fifty million repeated rows, a zip of a few kilobytes can inflate to gigabytes, a CSV line can hold
millions of fields. The readers check these limits while they stream a file and refuse it (a French
``ContainerError``) before holding more than the limits allow, so that reading any file stays within a
bounded amount of memory. The defaults fit the largest real file, the whole metropolis (about 100,000
households and as many proposals, docs/benchmarks.md). ``settings.EXCHANGE_IMPORT_LIMITS`` (a dict of
field → value) overrides them; the tests lower them to build over-limit files quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    # Rows with at least one value in a column of the format, per sheet (blank rows are not counted).
    rows: int = 200_000
    # Columns of the header row (titles up to the last non-blank one).
    columns: int = 100
    # Characters in one cell; the longest column of the format allows 250.
    cell_chars: int = 1_000
    # Characters of one CSV record (a line, or several when a quoted value holds line breaks).
    record_chars: int = 100_000
    # Rows read one by one in a CSV or XLSX sheet, blank ones included (a spreadsheet's height). Blank
    # rows repeated in an ODS are skipped without being read, so they do not count.
    sheet_rows: int = 1_048_576
    # Estimated memory the import needs for the whole file (both sheets): the rows the readers keep,
    # each distinct value once (identical values are shared), and what the import adds to them (typed
    # values, checks). The measured peak of reading and checking a file does not pass this estimate
    # by more than 5 % (tests/exchange/test_hostile_files.py), so no file takes more than about 280 MB.
    # A file of the whole metropolis (100,000 households and as many proposals) is estimated at
    # about 200 MiB.
    memory_bytes: int = 256 * MIB
    # Uncompressed size of the XML streamed from a workbook: ODS content.xml, one XLSX sheet, the XLSX
    # shared strings (200,000 households written by this application: about 600 MB of content.xml).
    xml_bytes: int = 1024 * MIB
    # Uncompressed size of each other XLSX part read (workbook, relationships, styles).
    part_bytes: int = 8 * MIB
    # Uncompressed size of one CSV file, alone or in a zip (200,000 households: about 45 MB).
    csv_bytes: int = 256 * MIB
    # The list of members of a zip (its central directory), read whole when the zip is opened: 1 MiB
    # lists about 10,000 members; a workbook has a dozen.
    zip_directory_bytes: int = 1 * MIB
    # Nesting depth of XML elements (a workbook needs about 10), and the size of one XML tag or comment
    # (expat holds an unfinished one whole in memory).
    xml_depth: int = 100
    xml_token_bytes: int = 1 * MIB
    # Issues kept in an import report (errors and warnings each); the others are only counted.
    report_issues: int = 1_000


_NAMES = {f.name for f in fields(ImportLimits)}


def import_limits() -> ImportLimits:
    overrides = getattr(settings, "EXCHANGE_IMPORT_LIMITS", None) or {}
    unknown = set(overrides) - _NAMES
    if unknown:
        raise ValueError(f"EXCHANGE_IMPORT_LIMITS: unknown limits {sorted(unknown)}")
    return ImportLimits(**overrides)
