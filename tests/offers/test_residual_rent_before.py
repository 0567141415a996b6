"""The residual rent before rehousing, from the file's recorded amounts (INDICATORS.md): an empty RLS
counts as 0, an empty rent, charges or APL makes it not computable."""

from decimal import Decimal

import pytest

from relogement.offers.residual_rent import estimate_before
from tests import factories


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("apl_before", "l'APL"),
        ("charges_before", "les charges"),
        ("rent_before", "le loyer"),
    ],
)
def test_a_missing_rent_charges_or_apl_is_not_computable(db, missing, named):
    household = factories.HouseholdFactory(**{missing: None})
    estimate = estimate_before(household)
    assert not estimate.available
    assert estimate.rac is None and estimate.effort_rate is None
    assert "non calculable" in estimate.error and named in estimate.error


def test_several_missing_amounts_are_all_named(db):
    household = factories.HouseholdFactory(charges_before=None, apl_before=None)
    estimate = estimate_before(household)
    assert estimate.error.endswith("les charges et l'APL d'avant le relogement.")


def test_a_missing_rls_counts_as_zero(db):
    household = factories.HouseholdFactory(
        rent_before=Decimal("420"), charges_before=Decimal("80"), apl_before=Decimal("210"), rls_before=None
    )
    estimate = estimate_before(household)
    assert estimate.available and estimate.rac == Decimal("290.00")


def test_an_apl_of_zero_is_computable(db):
    household = factories.HouseholdFactory(apl_before=Decimal("0"), rls_before=Decimal("0"))
    assert estimate_before(household).rac == Decimal("500.00")


def test_the_positioning_page_says_not_computable(searching, offer):
    world = searching
    from django.urls import reverse

    household = world.household_a
    household.apl_before = None
    household.save()
    response = world.client_for("mous").get(
        reverse("offers:position", kwargs={"pk": offer.pk}) + f"?household={household.pk}"
    )
    assert "Reste à charge non calculable" in response.content.decode()
