"""The import works in bulk: the number of queries grows with batches, not with rows."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.bench_exchange import _workbook, generated_rows
from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import read_upload


def _import(rows):
    data = _workbook(rows)
    with CaptureQueriesContext(connection) as queries:
        report = exchange_import(sheets=read_upload(io.BytesIO(data), "bench.xlsx"))
    assert report.valid, report.text()[:1000]
    return report, len(queries)


def test_import_queries_do_not_grow_per_row(world):
    report, count = _import(generated_rows("lille-concorde", ["59350", "59512"], count=300))
    assert report.households.created == 300
    assert count < 150, count
    again, count_again = _import(generated_rows("lille-concorde", ["59350", "59512"], count=300))
    assert again.households.unchanged == 300 and again.proposals.unchanged == report.proposals.created
    assert count_again < 30, count_again


def _export_queries():
    from relogement.exchange.exporter import export_rows, write_export
    from relogement.households.models import Household

    with CaptureQueriesContext(connection) as queries:
        write_export(io.BytesIO(), export_rows(Household.objects.all(), viewer=None), "csv")
    return len(queries)


def test_export_queries_do_not_grow_per_row(world):
    """Every column of a household and of a proposal comes from the chunk's few queries (a field left
    out of the export's column lists would cost one query per row)."""
    _import(generated_rows("lille-concorde", ["59350", "59512"], count=20))
    few = _export_queries()
    _import(generated_rows("lille-concorde", ["59350", "59512"], count=200))  # 180 more
    assert _export_queries() == few
