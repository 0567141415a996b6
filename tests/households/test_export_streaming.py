"""Household list exports streamed (issue 19, point 2): the same bytes as before, a bounded memory,
a number of queries and of read-log statements that does not grow with the rows.

The golden files under ``fixtures/`` were written by the export as it was before it was streamed
(full model instances, the whole file built in memory): the streamed export must give the very same
bytes. ``RECORD_EXPORT_FIXTURES=1`` writes them again (only when the format changes on purpose).
"""

import datetime as dt
import os
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.households.models import Household, NextStep
from relogement.households.statuses import HouseholdStatus
from tests import factories
from tests.spreadsheets import FORMULA_PAYLOADS, xlsx_dicts

FIXTURES = Path(__file__).parent / "fixtures"
CSV = reverse("households:export", args=["csv"])
XLSX = reverse("households:export", args=["xlsx"])


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _golden_world(world):
    """Every column filled with fixed values (no factory sequence, no random pseudonym), formula-like
    text, an empty resource, a referent, overdue steps, several statuses."""
    world.commune.name = "+Lille"
    world.commune.save()
    referent = world.users["social_a"]
    referent.first_name, referent.last_name = "Camille", "Référente"  # not a factory sequence
    referent.save()
    Household.objects.filter(pk=world.household_a.pk).update(
        referent=world.users["social_a"], monthly_resources=None, status=HouseholdStatus.SEARCHING
    )
    NextStep.objects.create(household=world.household_a, title="Relance", due_date=dt.date(2025, 1, 1))
    NextStep.objects.create(household=world.household_a, title="Visite", due_date=dt.date(2025, 2, 1))
    for i, payload in enumerate(FORMULA_PAYLOADS):
        factories.HouseholdFactory(
            building=world.building,
            social_provider=world.orgs["social_a"],
            reference=f"GOLD-{i:02d}",
            reference_name=payload,
            census_date=dt.date(2023, 5, 1 + i),
            adults_count=1 + i % 3,
            children_count=i % 4,
            monthly_resources=Decimal("1234.5") + i,
            status=HouseholdStatus.REHOUSED if i % 2 else HouseholdStatus.TO_DIAGNOSE,
        )
    for household in Household.objects.all():
        Household.objects.filter(pk=household.pk).update(pseudonym=f"PS-{household.reference}")


@pytest.mark.parametrize("persona", ["mous", "metropolis", "social_a", "landlord"])
def test_csv_export_is_byte_identical_to_the_unstreamed_one(world, persona):
    _golden_world(world)
    response = world.client_for(persona).get(CSV + "?sort=reference")
    assert response.status_code == 200
    content = _content(response)
    golden = FIXTURES / f"export-{persona}.csv"
    if os.environ.get("RECORD_EXPORT_FIXTURES") == "1":
        golden.write_bytes(content)
    assert content == golden.read_bytes()


def _bulk(world, count: int, prefix: str) -> None:
    """``count`` households of the project office's perimeter, in one insert (not one factory each)."""
    households = [
        factories.HouseholdFactory.build(
            building=world.building,
            project=world.project,
            social_provider=world.orgs["social_a"],
            referent=world.users["social_a"],
            reference=f"{prefix}-{i:05d}",
            reference_name=f"Famille Volume{i}",
        )
        for i in range(count)
    ]
    Household.objects.bulk_create(households, batch_size=500)


def _export_peak(client) -> tuple[int, int, list[str]]:
    """Peak of Python allocations while a CSV export is produced and read chunk by chunk (as a WSGI
    server sends it), the rows it held, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        tracemalloc.start()
        try:
            response = client.get(CSV)
            rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, rows, [q["sql"] for q in queries.captured_queries]


# What 2,700 more rows may add to an export's peak. The unstreamed export held a model instance (with
# its project, building, commune and referent) and the finished file for every row: about 20 KB per
# row measured (424 MiB for 20,500 households), 50 MB here.
ROWS_ALLOWANCE = 4 * 10**6


def test_csv_export_memory_queries_and_read_log_do_not_grow_with_the_rows(world):
    client = world.client_for("mous")
    client.get(reverse("households:list"))  # session, content types
    _bulk(world, 300, "S")
    small_peak, small_rows, small_sql = _export_peak(client)
    assert small_rows == 302
    _bulk(world, 2700, "L")
    FileRead.objects.all().delete()
    large_peak, large_rows, large_sql = _export_peak(client)
    assert large_rows == 3002
    assert large_peak - small_peak < ROWS_ALLOWANCE, (small_peak, large_peak)
    assert len(large_sql) == len(small_sql)
    # The read log: one row per exported household, written by one statement.
    inserts = [
        sql for sql in large_sql if sql.lstrip().upper().startswith("INSERT") and "audit_fileread" in sql
    ]
    assert len(inserts) == 1
    assert FileRead.objects.filter(user=world.users["mous"], what="export csv").count() == 3002
    assert set(FileRead.objects.values_list("household_id", flat=True)) == set(
        Household.objects.filter(project=world.project).values_list("pk", flat=True)
    )


def test_pseudonymised_export_writes_no_read_log(world):
    response = world.client_for("metropolis").get(CSV)
    assert b"".join(response.streaming_content).count(b"\n") == 4
    assert FileRead.objects.count() == 0


def test_export_rows_are_only_households_the_log_holds(world, monkeypatch):
    """A household that enters the selection after the read log was written is not exported: the
    rows are read within the households logged by the export's own statement."""
    from relogement.audit import services

    real = services.file_reads_record_query

    def log_then_add(**kwargs):
        result = real(**kwargs)
        factories.HouseholdFactory(
            building=world.building, reference="LATE-001", reference_name="Famille Tardive"
        )
        return result

    monkeypatch.setattr("relogement.households.exports.file_reads_record_query", log_then_add)
    content = b"".join(world.client_for("mous").get(CSV).streaming_content)
    assert b"LATE-001" not in content and b"CONC-001" in content


def test_xlsx_export_reads_tuples_and_keeps_columns_and_formats(world):
    _golden_world(world)
    response = world.client_for("mous").get(XLSX + "?sort=reference")
    rows = {row["Référence"].value: row for row in xlsx_dicts(_content(response))}
    assert rows["CONC-001"]["Référent"].value == "Camille Référente"
    assert rows["CONC-001"]["Statut"].value == "En recherche"
    assert rows["CONC-001"]["Étapes en retard"].value == 2
    assert rows["GOLD-01"]["Ressources mensuelles"].value == Decimal("1235.5")
    assert rows["GOLD-01"]["Ressources mensuelles"].number_format == '#,##0.00 "€"'
    assert rows["GOLD-00"]["Nom"].data_type == "s"
    assert FileRead.objects.filter(what="export xlsx").count() == len(rows)
