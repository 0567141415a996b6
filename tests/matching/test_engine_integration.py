"""Residual rents from the real benefits engine (openfisca): one curve per household and zone."""

from decimal import Decimal

import numpy as np
import pytest

from relogement.benefits import engine
from relogement.core.formatting import format_euros
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
    profile = engine.profile_for_household(household)
    for i, offer in enumerate(HousingOffer.objects.order_by("pk")):
        expected = engine.compute_benefits(
            profile=profile, insee_code=offer.commune.insee_code, rent=offer.rent, charges=offer.charges
        )
        # The engine's exact residual rent, to the cent (no rounding of the rent to the euro).
        assert rac[i] == pytest.approx(float(expected.rac), abs=0.005)
    assert (rac < table.rent + table.charges).all()  # the household receives some aid
    # A subset gives the same values (the ranking computes survivors only).
    assert EngineResidualRent()(hh, table, np.array([2, 0])).tolist() == [rac[2], rac[0]]


def test_unknown_commune_leaves_only_its_offers_unknown(world, offers):
    household = household_queryset(type(world.household_a).objects.filter(pk=world.household_a.pk)).get()
    hh = household_context(household)
    table = offer_table(HousingOffer.objects.all())
    known = EngineResidualRent()(hh, table, np.arange(len(table)))
    table.insee_code = table.insee_code.copy()
    table.insee_code[1] = "99999"
    rac = EngineResidualRent()(hh, table, np.arange(len(table)))
    assert np.isnan(rac[1])
    assert rac[0] == known[0] and rac[2] == known[2]


def test_why_not_agrees_with_the_ranking(world, offers):
    """The explanation of one offer shows the residual rent the ranking used, to the cent."""
    from relogement.matching.selectors import explain_one_offer, rank_offers_for_household

    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    user = world.users["mous"]
    ranking = rank_offers_for_household(user, household)
    assert len(ranking.order)
    for index in ranking.order:
        offer = HousingOffer.objects.get(pk=int(ranking.table.pk[index]))
        verdicts = explain_one_offer(user, household, offer)
        reason = next(v.reason for v in verdicts if v.criterion_id == "residual_rent")
        assert format_euros(float(ranking.scores.rac[index])) in reason
        expected = engine.compute_benefits(
            profile=engine.profile_for_household(household),
            insee_code=offer.commune.insee_code,
            rent=offer.rent,
            charges=offer.charges,
        )
        assert ranking.scores.rac[index] == pytest.approx(float(expected.rac), abs=0.005)


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
