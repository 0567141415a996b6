"""Residual rents from the real benefits engine (openfisca): one curve per household and zone."""

from decimal import Decimal

import numpy as np
import pytest

from relogement.benefits import engine
from relogement.households.statuses import HouseholdStatus as S
from relogement.matching.context import household_context, household_queryset, offer_table
from relogement.matching.residual_rent import EngineResidualRent, default_provider
from relogement.offers.models import HousingOffer
from tests import factories


@pytest.fixture
def offers(world):
    landlord = world.orgs["landlord"]
    return [
        factories.HousingOfferFactory(landlord=landlord, commune=world.commune, rent=Decimal("430.55")),
        factories.HousingOfferFactory(landlord=landlord, commune=world.commune, rent=Decimal("612.00")),
        factories.HousingOfferFactory(landlord=landlord, commune=world.other_commune, rent=Decimal("380.10")),
    ]


def test_engine_provider_matches_compute_benefits(world, offers):
    assert default_provider()[1] is True
    household = household_queryset(type(world.household_a).objects.filter(pk=world.household_a.pk)).get()
    hh = household_context(household)
    table = offer_table(HousingOffer.objects.all())
    rac = EngineResidualRent()(hh, table, np.arange(len(table)))
    exact = EngineResidualRent(whole_euros=False)(hh, table, np.arange(len(table)))
    profile = engine.profile_for_household(household)
    for i, offer in enumerate(HousingOffer.objects.order_by("pk")):
        expected = engine.compute_benefits(
            profile=profile, insee_code=offer.commune.insee_code, rent=offer.rent, charges=offer.charges
        )
        assert exact[i] == pytest.approx(float(expected.rac))
        # Benefit read at the rent rounded to the euro: within about a euro of the exact one.
        assert abs(rac[i] - float(expected.rac)) <= 1.5
    assert (rac < table.rent + table.charges).all()  # the household receives some aid


def test_household_page_with_the_engine(world, offers):
    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    from django.urls import reverse

    html = (
        world.client_for("mous")
        .get(reverse("matching:household_offers", kwargs={"pk": household.pk}))
        .content.decode()
    )
    assert "Reste à charge estimé" in html
    assert "le reste à charge est estimé avec les aides actuelles" not in html
