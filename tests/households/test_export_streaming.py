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
