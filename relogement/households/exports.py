"""XLSX and CSV exports of a filtered household list: the same columns as the page, within the user's
scope, pseudonyms where names are hidden; the columns chosen on the page, its filters and its order. Exports of named lists are logged as reads (audit). Text is
never run as a formula by spreadsheet software (``core.spreadsheet``).

Streamed (issue 19): the rows are read as tuples (``selectors.household_rows``, no model instance, no
JSON decoded per row) through a server-side cursor, and written as they are read: the CSV goes out in
chunks (``StreamingHttpResponse``), the XLSX is written row by row (XlsxWriter's constant-memory mode)
to a temporary file, then streamed from it. Memory stays bounded whatever the number of rows; the read log of a
named export is one ``INSERT … SELECT`` statement.

A large XLSX (more than ``HOUSEHOLD_EXPORT_INLINE_MAX`` rows) is a background job instead
(``exchange.models.ExportJob`` of kind « liste »): the task worker writes it the same way to a temporary
file, then into the storage (``default_storage``), and its author downloads it from the job's page
(``exchange:export_job``, polled by htmx), as an exchange export; the file is deleted a day later by
the hourly clean-up task. The job logs the read of its rows (one statement), each download again (one
statement, the rows the job wrote).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import redirect

from relogement.audit.services import file_reads_record_query
from relogement.core.spreadsheet import XLSXWRITER_OPTIONS
from relogement.households import selectors
from relogement.households.listing import columns_for, csv_value
from relogement.households.listing import values as column_values
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
_XLSX_FORMATS = {"money": '#,##0.00 "€"', "int": "0", "date": "DD/MM/YYYY"}
CHUNK_ROWS = 2000  # rows fetched per round trip of the server-side cursor, and per CSV chunk sent


def _referent_names(households) -> dict[int, str]:
    """The referents of the exported households as the page shows them (``str(user)``), in one query:
    a few hundred users, rather than a join and a model instance per row."""
    from relogement.accounts.models import User

    return {u.pk: str(u) for u in User.objects.filter(pk__in=households.values("referent_id"))}


def _xlsx(columns, values) -> Iterator[bytes]:
    """XlsxWriter in constant-memory mode, as the exchange export (``exchange.exporter.write_xlsx``):
    each row written as it comes, several times faster than openpyxl, which builds an element tree per
    cell in pure Python (70 s for 20,000 rows). Text is always a string cell, never a formula, a number
    or a link (``core.spreadsheet.XLSXWRITER_OPTIONS``).

    A generator: the rows are read and the workbook written once the response is being sent, to a
    temporary file (the workbook never sits whole in a worker) that is closed however sending ends."""
    with tempfile.TemporaryFile() as output:
        write_xlsx(output, columns, values)
        output.seek(0)
        while chunk := output.read(2**16):
            yield chunk


def write_xlsx(output, columns, values) -> None:
    """The workbook into ``output`` (a file opened for writing; XlsxWriter seeks in it)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, **XLSXWRITER_OPTIONS})
    sheet = workbook.add_worksheet("Ménages")
    bold = workbook.add_format({"bold": True})
    formats = [
        workbook.add_format({"num_format": _XLSX_FORMATS[c.kind]}) if c.kind in _XLSX_FORMATS else None
        for c in columns
    ]
    for column, c in enumerate(columns):
        sheet.write_string(0, column, c.label, bold)
    for line, row in enumerate(values, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(line, column, value, formats[column])
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(line, column, value, formats[column])
            else:
                sheet.write_string(line, column, str(value), formats[column])
    workbook.close()


def _csv(columns, values) -> Iterator[bytes]:
    buffer = io.StringIO()
    # Semicolons and a BOM: what French spreadsheet software opens without a wizard.
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow([c.label for c in columns])
    for n, row in enumerate(values, start=1):
        writer.writerow([csv_value(value) for value in row])  # row: one value per column (listing.values)
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _columns_and_values(*, user, filters: selectors.HouseholdFilters, today: dt.date, what: str):
    """The columns ``user`` shows (exactly the page's, in the same order) and an iterator of the rows'
    values, read through a server-side cursor; for a user with named data, the read of every exported
    household logged first, in one statement, and the rows restricted to the households it logged."""
    columns = columns_for(user, filters.columns)
    within = None
    if predicates.can_view_named_data(user):
        households = selectors.household_filtered(user=user, filters=filters, today=today)
        _, within = file_reads_record_query(user=user, households=households, what=what)
    rows = selectors.household_rows(
        user=user, filters=filters, sources=[c.source for c in columns], today=today, within=within
    )
    referents = _referent_names(selectors.household_filtered(user=user, filters=filters, today=today))
    return columns, column_values(columns, rows.iterator(chunk_size=CHUNK_ROWS), referents)


def export_response(*, user, filters: selectors.HouseholdFilters, fmt: str):
    today = dt.date.today()
    if fmt == "xlsx":
        count = selectors.household_filtered(user=user, filters=filters, today=today).count()
        if count > settings.HOUSEHOLD_EXPORT_INLINE_MAX:
            return _background_export(user=user, filters=filters, today=today)
    columns, values = _columns_and_values(user=user, filters=filters, today=today, what=f"export {fmt}")
    filename = f"menages-{today:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = StreamingHttpResponse(_xlsx(columns, values), content_type=FORMATS[fmt])
    else:
        response = StreamingHttpResponse(_csv(columns, values), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Background exports (large XLSX) -----------------------------------------------------------------


def _background_export(*, user, filters: selectors.HouseholdFilters, today: dt.date):
    """An export job of the list with these filters; the author follows it on the job's page."""
    from relogement.exchange import jobs, tasks
    from relogement.exchange.models import ExportJob, ExportKind

    jobs.remove_old_exports()
    job = ExportJob.objects.create(
        created_by=user,
        organisation=organisation_of(user),
        kind=ExportKind.LIST,
        filters=dataclasses.asdict(filters),
        format="xlsx",
        named=predicates.can_view_named_data(user),
        filename=f"menages-{today:%Y%m%d}.xlsx",
    )
    tasks.enqueue_export(job)
    return redirect("exchange:export_job", pk=job.pk)


def job_read_label(job) -> str:
    """The read log's label of the rows a list export job wrote (its downloads copy them)."""
    return f"export xlsx n°{job.pk}"


def job_total(job, user) -> int:
    filters = selectors.HouseholdFilters(**job.filters)
    return selectors.household_filtered(user=user, filters=filters).count()


def write_job(job, user, output, progress=None) -> None:
    """The task worker's part: the list of ``job`` (its filters, its author's scope as ``user``, who
    acts for the job's organisation) written as XLSX into ``output``; ``progress(done)`` every
    ``CHUNK_ROWS`` rows."""
    filters = selectors.HouseholdFilters(**job.filters)
    columns, values = _columns_and_values(
        user=user, filters=filters, today=dt.date.today(), what=job_read_label(job)
    )

    def counted(rows):
        done = 0
        for done, row in enumerate(rows, start=1):
            yield row
            if progress is not None and done % CHUNK_ROWS == 0:
                progress(done)
        if progress is not None:
            progress(done)

    write_xlsx(output, columns, counted(values))
