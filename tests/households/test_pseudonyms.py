"""Pseudonyms: long enough not to collide, and bulk inserts (imports) never fail on a collision."""

import re

import pytest

from relogement.exchange.importer import exchange_import
from relogement.households.models import Household, ensure_unique_pseudonyms, new_pseudonym
from tests import factories
from tests.exchange.files import menage, sheets


def test_a_new_pseudonym_has_48_random_bits():
    values = {new_pseudonym() for _ in range(1000)}
    assert len(values) == 1000
    assert all(re.fullmatch(r"M-[0-9A-F]{12}", v) for v in values)


@pytest.mark.django_db
def test_clashing_pseudonyms_of_a_batch_are_replaced():
    existing = factories.HouseholdFactory()
    template = factories.HouseholdFactory()
    batch = [
        Household(project=template.project, building=template.building, pseudonym=existing.pseudonym),
        Household(project=template.project, building=template.building, pseudonym="M-SAME"),
        Household(project=template.project, building=template.building, pseudonym="M-SAME"),
        Household(project=template.project, building=template.building, pseudonym="M-FREE"),
    ]
    ensure_unique_pseudonyms(batch)
    values = [h.pseudonym for h in batch]
    assert len(set(values)) == 4 and existing.pseudonym not in values
    assert "M-FREE" in values and values.count("M-SAME") <= 1


@pytest.mark.django_db
def test_an_import_survives_a_pseudonym_collision(world, monkeypatch):
    taken = factories.HouseholdFactory().pseudonym
    field = Household._meta.get_field("pseudonym")
    generated = iter([taken, taken])  # the first two new households draw a pseudonym already used

    def default():
        return next(generated, None) or new_pseudonym()

    monkeypatch.setattr(field, "_get_default", default)
    report = exchange_import(sheets=sheets([menage(ref_menage="P1"), menage(ref_menage="P2")]))
    assert not report.errors
    created = Household.objects.filter(reference__in=["P1", "P2"])
    assert created.count() == 2 and taken not in set(created.values_list("pseudonym", flat=True))
