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
        factories.HousingOfferFactory(
            landlord=landlord, commune=world.commune, rent=Decimal("405.20"), stock_kind="prive_vide"
        ),
        factories.HousingOfferFactory(
            landlord=landlord, commune=world.other_commune, rent=Decimal("390.00"), stock_kind="foyer"
        ),
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
            profile=profile,
            insee_code=offer.commune.insee_code,
            rent=offer.rent,
            charges=offer.charges,
            stock=offer.stock_kind,
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
            stock=offer.stock_kind,
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


def test_plan_uses_the_engine_residual_rents(world, offers):
    """The allocation plan scores with the engine's residual rents (every household against every
    offer computed together), equal to the ranking's, per stock kind."""
    from relogement.households.models import Household
    from relogement.matching.selectors import plan_data

    for household in (world.household_a, world.household_b):
        household.status = S.SEARCHING
        household.save()
    data = plan_data(Household.objects.all(), HousingOffer.objects.all())
    assert len(data.households) == 2
    for row, household in enumerate(data.households):
        profile = engine.profile_for_household(household)
        for column, pk in enumerate(data.table.pk.tolist()):
            offer = HousingOffer.objects.get(pk=pk)
            expected = engine.compute_benefits(
                profile=profile,
                insee_code=offer.commune.insee_code,
                rent=offer.rent,
                charges=offer.charges,
                stock=offer.stock_kind,
            )
            value = data.rac_provider(data.contexts[row], data.table, np.array([column]))[0]
            assert value == pytest.approx(float(expected.rac), abs=0.005)
    # Not the current aid carried over: a private offer gets no RLS, so its residual rent differs.
    private = data.table.stock.tolist().index("prive_vide")
    carried = float(data.table.rent[private] + data.table.charges[private]) - data.contexts[0].aid_before
    assert data.rac_provider(data.contexts[0], data.table, np.array([private]))[0] != pytest.approx(carried)


def test_matrix_rows_equal_compute_for_offers(world, offers):
    profiles = [
        engine.HouseholdProfile.simple(1, 0, Decimal("900")),
        None,
        engine.HouseholdProfile.simple(2, 3, Decimal("2100.55"), monthly_pension=Decimal("300")),
    ]
    rows = [
        (o.commune.insee_code, o.rent, o.charges, o.stock_kind) for o in HousingOffer.objects.order_by("pk")
    ]
    engine.clear_cache()
    matrix = engine.residual_rent_matrix(profiles=profiles, offers=rows)
    assert np.isnan(matrix[1]).all()
    for row in (0, 2):
        expected = [float(r.rac) for r in engine.compute_for_offers(profile=profiles[row], offers=rows)]
        assert matrix[row].tolist() == pytest.approx(expected, abs=0.005)


def test_household_page_shows_the_estimates_assumptions(world, offers):
    """Residual rents resting on assumptions (a job seeker whose registration date is unknown) say so."""
    from datetime import date

    from django.urls import reverse

    from relogement.households.models import EmploymentSituation, Relation

    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    factories.HouseholdMemberFactory(
        household=household, relation=Relation.REFERENCE, employment=EmploymentSituation.JOBSEEKER
    )
    factories.HouseholdMemberFactory(
        household=household, relation=Relation.SPOUSE, birth_date=date(1990, 4, 1), employment="salarie"
    )
    html = (
        world.client_for("mous")
        .get(reverse("matching:household_offers", kwargs={"pk": household.pk}))
        .content.decode()
    )
    assert "Restes à charge estimés" in html
    assert "Demandeur d&#x27;emploi depuis plus de deux mois" in html


def test_offer_households_use_the_engine_with_the_offers_stock_kind(world, offers):
    """Offer → households: each household's residual rent is the engine's for this offer and its
    stock kind (not the current aid carried over), and the verdicts show that same amount."""
    from relogement.households.models import ResourceLine
    from relogement.matching.selectors import explain_matches, households_for_offer

    for household in (world.household_a, world.household_b):
        household.status = S.SEARCHING
        household.save()
    ResourceLine.objects.create(household=world.household_b, kind="chomage", monthly_amount=Decimal("700"))
    user = world.users["mous"]
    for offer in HousingOffer.objects.select_related("commune").order_by("pk"):
        result = households_for_offer(user, offer)
        assert len(result.matches) == 2
        explain_matches(user, result, result.matches)
        for match in result.matches:
            household = household_queryset(type(world.household_a).objects.filter(pk=match.context.pk)).get()
            expected = engine.compute_benefits(
                profile=engine.profile_for_household(household),
                insee_code=offer.commune.insee_code,
                rent=offer.rent,
                charges=offer.charges,
                stock=offer.stock_kind,
            )
            rac = result.rac_provider(match.context, result.table, np.array([0]))[0]
            assert rac == pytest.approx(float(expected.rac), abs=0.005), (offer.stock_kind, household.pk)
            reason = next(v.reason for v in match.verdicts if v.criterion_id == "residual_rent")
            assert format_euros(float(expected.rac)) in reason
            if offer.stock_kind == "prive_vide" and match.context.aid_before is not None:
                carried = float(offer.rent + offer.charges) - match.context.aid_before
                assert rac != pytest.approx(carried, abs=0.005)


def test_offer_households_page_says_the_residual_rent_is_computed(world, offers):
    from django.urls import reverse

    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    offer = offers[3]  # private, unfurnished
    html = (
        world.client_for("mous")
        .get(reverse("matching:offer_households", kwargs={"pk": offer.pk}))
        .content.decode()
    )
    assert "aurait droit dans ce logement (parc privé, location vide)" in html
    assert "aides actuelles" not in html
    assert "Reste à charge estimé" in html


def test_offer_households_page_computes_every_household_at_once(
    world, offers, monkeypatch, django_assert_max_num_queries
):
    """One engine call per page whatever the number of households, and a constant number of queries
    (the profiles' households, members and resource lines are read in three)."""
    from django.urls import reverse

    calls = []
    real = engine.residual_rent_matrix

    def counting(**kwargs):
        calls.append(len(kwargs["profiles"]))
        return real(**kwargs)

    monkeypatch.setattr(engine, "residual_rent_matrix", counting)
    url = reverse("matching:offer_households", kwargs={"pk": offers[3].pk})
    client = world.client_for("mous")
    client.get("/")
    household = world.household_a
    household.status = S.SEARCHING
    household.save()
    with django_assert_max_num_queries(17) as few:
        assert client.get(url).status_code == 200
    assert calls == [1]
    for _ in range(6):
        extra = factories.HouseholdFactory(building=world.building, adults_count=1, children_count=0)
        extra.status = S.SEARCHING
        extra.save()
        factories.HouseholdMemberFactory(household=extra, relation="reference", employment="salarie")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    assert calls == [1, 7]
