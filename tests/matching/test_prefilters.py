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
