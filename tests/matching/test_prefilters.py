"""A criterion's queryset prefilter keeps exactly the offers its vectorised filter does not exclude."""

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pytest
from django.db.models import Q

from relogement.matching import registry
from relogement.matching.context import offer_table
from relogement.offers.models import HousingOffer
from tests import factories
from tests.matching.helpers import TODAY, household


@pytest.fixture
def many_offers(world):
    for i, (rooms, area, floor, lift, accessible, days) in enumerate(
        itertools.product([1, 3, 5], [12, 30, 60], [0, 2], [False, True], [False, True], [-10, 200])
    ):
        factories.HousingOfferFactory(
            landlord=world.orgs["landlord"],
            commune=world.commune,
            dwelling_type=f"T{rooms}",
            living_area=Decimal(area),
            floor=floor,
            has_lift=lift,
            accessible=accessible,
            available_from=TODAY + dt.timedelta(days=days),
            reference=f"PF-{i}",
        )


@pytest.mark.parametrize(
    "hh",
    [
        household(adults=1, children=0),
        household(adults=2, children=3, under_occupation_hard=True),
        household(reduced_mobility=True, needs_ground_floor_or_lift=True, max_floor=1),
        household(needs_lift=True, demolition_date=TODAY + dt.timedelta(days=100)),
    ],
)
def test_prefilters_match_filters(many_offers, hh):
    table = offer_table(HousingOffer.objects.all())
    for criterion in registry.all_criteria():
        q = criterion.prefilter(hh)
        if q is None:
            continue
        kept = set(HousingOffer.objects.filter(q or Q()).values_list("pk", flat=True))
        excluded = criterion.assess(hh, table, np.full(len(table), np.nan)).excluded
        assert kept == set(table.pk[~excluded].tolist()), criterion.id


# --- The other way round: households for one offer ------------------------------------------------


@pytest.fixture
def many_households(world):
    """Households of every shape the household-side prefilters look at (all searching)."""
    from relogement.households.models import Household, Wishes
    from relogement.households.statuses import HouseholdStatus

    shapes = itertools.product(
        [(1, 0), (2, 2), (2, 6), (0, 0)],  # adults, children
        [False, True],  # reduced mobility
        [False, True],  # needs ground floor or lift
        [None, "lift", "floor1", "floor0"],  # wishes
        [None, TODAY + dt.timedelta(days=100)],  # building demolition
    )
    buildings = {
        None: factories.BuildingFactory(operation__project=world.project, planned_demolition_date=None),
    }
    for i, ((adults, children), pmr, ground, wish, demolition) in enumerate(shapes):
        if demolition not in buildings:
            buildings[demolition] = factories.BuildingFactory(
                operation__project=world.project, planned_demolition_date=demolition
            )
        household = factories.HouseholdFactory(
            building=buildings[demolition],
            adults_count=adults,
            children_count=children,
            reduced_mobility=pmr,
            needs_ground_floor_or_lift=ground,
            reference=f"HP-{i}",
        )
        if wish:
            Wishes.objects.create(
                household=household,
                needs_lift=wish == "lift",
                max_floor={"floor1": 1, "floor0": 0}.get(wish),
            )
    Household.objects.update(status=HouseholdStatus.SEARCHING)


@pytest.mark.parametrize(
    "offer",
    [
        {"living_area": 8, "floor": 0, "has_lift": False, "accessible": True, "days": 0},
        {"living_area": 12, "floor": 2, "has_lift": False, "accessible": False, "days": 200},
        {"living_area": 34, "floor": 1, "has_lift": True, "accessible": False, "days": 50},
        {"living_area": 70, "floor": 3, "has_lift": False, "accessible": True, "days": 100},
        {"living_area": 95, "floor": 0, "has_lift": False, "accessible": False, "days": 101},
    ],
)
def test_household_prefilters_match_filters(many_households, world, offer):
    from relogement.households.models import Household
    from relogement.matching.context import household_context, household_queryset

    offer = dict(offer)
    days = offer.pop("days")
    factories.HousingOfferFactory(
        landlord=world.orgs["landlord"],
        commune=world.commune,
        available_from=TODAY + dt.timedelta(days=days),
        **offer,
    )
    table = offer_table(HousingOffer.objects.all())
    households = list(household_queryset(Household.objects.all()))
    checked = 0
    for criterion in registry.all_criteria():
        q = criterion.household_prefilter(table, 0)
        if q is None:
            continue
        checked += 1
        kept = set(Household.objects.filter(q).values_list("pk", flat=True))
        expected = {
            h.pk
            for h in households
            if not criterion.assess(household_context(h, on=TODAY), table, np.full(1, np.nan)).excluded[0]
        }
        assert kept == expected, criterion.id
    assert checked >= 2


def test_bulk_contexts_equal_the_model_path(many_households, world):
    """``household_contexts`` (plain values, constant queries) builds exactly what ``household_context`` does."""
    from relogement.households.models import Household, WishedLocation
    from relogement.matching.context import household_context, household_contexts, household_queryset

    first = Household.objects.filter(wishes__isnull=False).order_by("pk").first()
    WishedLocation.objects.create(wishes=first.wishes, rank=2, commune=world.other_commune)
    WishedLocation.objects.create(wishes=first.wishes, rank=1, commune=world.commune)
    first.wishes.dwelling_types = ["T2", "T3"]
    first.wishes.max_residual_rent = Decimal("350")
    first.wishes.save()
    world.project.matching_weights = {"under_occupation_hard": True}
    world.project.save()
    expected = [household_context(h, on=TODAY) for h in household_queryset(Household.objects.order_by("pk"))]
    bulk = household_contexts(Household.objects.all(), on=TODAY)
    for context in expected:
        context.household = None
    assert bulk == expected
    assert bulk[[c.pk for c in bulk].index(first.pk)].wish_communes == (
        world.commune.pk,
        world.other_commune.pk,
    )
