"""Indicator exports (CSV, XLSX, ODS): building and refusal-reason names that look like formulas are
written as inert text; numbers stay numbers."""

import pytest
from django.urls import reverse

from relogement.offers.models import Answer, RefusalReason
from tests import factories
from tests.indicators.builders import proposal
from tests.spreadsheets import FORMULA_PAYLOADS, csv_rows, ods_cells, same_text, xlsx_cells

REASON = "@Loyer trop élevé"


@pytest.fixture
def payload_world(world):
    """One building per payload (its reference) with a household, and a refusal reason whose label is
    a payload. The building table labels a building "reference (project)": the payload comes first."""
    for i, payload in enumerate(FORMULA_PAYLOADS):
        building = factories.BuildingFactory(
            operation__project=world.project, reference=payload, landlord=world.orgs["landlord"]
        )
        factories.HouseholdFactory(building=building, reference=f"INJ-{i}")
    reason = RefusalReason.objects.create(code="cher", label=REASON)
    proposal(world.household_a, notified=world.household_a.census_date, answer=Answer.REFUSED, reason=reason)
    return world


def _export(world, fmt, table):
    response = world.client_for("mous").get(reverse("indicators:export"), {"format": fmt, "table": table})
    assert response.status_code == 200
    return response.content


def _texts(world):
    return [(f"{p} ({world.project})", "batiments") for p in FORMULA_PAYLOADS] + [(REASON, "refus")]


def test_csv_export_quotes_formula_like_text(payload_world):
    for text, table in _texts(payload_world):
        labels = [row[0] for row in csv_rows(_export(payload_world, "csv", table))[1:] if row]
        assert "'" + text in labels, (text, labels)
        assert text not in labels


def test_xlsx_export_writes_formula_like_text_as_string_cells(payload_world):
    for text, table in _texts(payload_world):
        rows = xlsx_cells(_export(payload_world, "xlsx", table))
        cells = [row[0] for row in rows[1:] if row and row[0].value and same_text(row[0].value, text)]
        assert cells, text
        assert all(cell.data_type == "s" for cell in cells)  # a formula cell would be "f"
        numbers = [c for row in rows[1:] for c in row[1:] if isinstance(c.value, (int, float))]
        assert numbers and all(c.data_type == "n" for c in numbers)


def test_ods_export_writes_formula_like_text_as_string_cells(payload_world):
    for text, table in _texts(payload_world):
        rows = ods_cells(_export(payload_world, "ods", table))
        cells = [row[0] for row in rows[1:] if row and same_text(row[0][1], text)]
        assert cells and all(value_type == "string" for value_type, _ in cells), text
