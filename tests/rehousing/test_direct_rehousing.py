"""The direct rehousing form (outside the pooled offers): record and status together, bad input refused
next to its field with nothing written, superseding, and the lifecycle panel no longer offering
"relogé" without a destination."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.rehousing.models import Rehousing


def _searching(world):
    household = world.household_a
    Household.objects.filter(pk=household.pk).update(status=S.SEARCHING)
    HouseholdStatusChange.objects.create(
        household=household,
        from_status=S.TO_DIAGNOSE,
        to_status=S.SEARCHING,
        effective_date=dt.date(2024, 4, 1),
    )
    return household


def _post(world, household, **overrides):
    data = {
        "kind": "definitive",
        "move_in_date": "2025-02-01",
        "housing_stock": "prive",
        "landlord_name": "SCI des Tilleuls",
        "commune": world.commune.pk,
        "address": "4 rue Nationale",
        "rent": "610",
        "charges": "45",
        "apl": "150",
    }
    data.update(overrides)
    return world.client_for("mous").post(reverse("rehousing:record", args=[household.pk]), data)


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"move_in_date": "2024-01-15"}, "move_in_date", "précéder la date de recensement"),
        ({"move_in_date": "2024-03-15"}, "move_in_date", "dernier changement de statut"),
        ({"move_in_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "move_in_date", "futur"),
        ({"rent": "-10"}, "rent", "Le loyer ne peut pas être négatif"),
        ({"charges": "-1"}, "charges", "Les charges ne peuvent pas être négatives"),
        ({"commune": ""}, "commune", ""),
        ({"housing_stock": "social", "landlord_name": ""}, "landlord", "bailleur social"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(world, overrides, field, message):
    household = _searching(world)
    changes = HouseholdStatusChange.objects.count()
    response = _post(world, household, **overrides)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    household.refresh_from_db()
    assert household.status == S.SEARCHING
    assert not Rehousing.objects.filter(household=household).exists()
    assert HouseholdStatusChange.objects.count() == changes


def test_direct_rehousing_writes_record_and_status_together(world):
    household = _searching(world)
    response = _post(world, household)
    rehousing = Rehousing.objects.get(household=household)
    assert response.status_code == 302 and response.url == reverse("rehousing:detail", args=[rehousing.pk])
    household.refresh_from_db()
    assert household.status == S.REHOUSED
    change = household.status_changes.latest("pk")
    assert change.to_status == S.REHOUSED and change.effective_date == dt.date(2025, 2, 1)
    assert rehousing.housing_stock == "prive" and rehousing.landlord_name == "SCI des Tilleuls"
    assert rehousing.rent_reduction_payment is False  # private stock: no ANRU payment
    # Not offered any more: the household is rehoused (404, nothing to record).
    assert _post(world, household).status_code == 404


def test_lifecycle_panel_offers_rehousing_only_with_its_record(world):
    household = _searching(world)
    html = world.client_for("mous").get(reverse("households:detail", args=[household.pk])).content.decode()
    assert reverse("rehousing:record", args=[household.pk]) in html
    assert 'value="rehouse"' not in html and 'value="rehouse_temporarily"' not in html
    html = (
        world.client_for("social_a").get(reverse("households:detail", args=[household.pk])).content.decode()
    )
    assert reverse("rehousing:record", args=[household.pk]) not in html
    assert "par le bureau d'étude / MOUS" in html
    # A forged POST of the plain form is refused: nothing written.
    response = world.client_for("social_a").post(
        reverse("households:transition", args=[household.pk]),
        {"action": "rehouse", "effective_date": "2025-02-01"},
        follow=True,
    )
    assert "s'enregistre avec le relogement" in response.content.decode()
    household.refresh_from_db()
    assert household.status == S.SEARCHING and not Rehousing.objects.exists()
