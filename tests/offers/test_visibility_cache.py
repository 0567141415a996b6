"""The offers a landlord sees besides its own (issue 19): computed once per data version, never served
for older data; the same offers, in the same order, as without the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.households.models import Household
from relogement.indicators.models import DataGeneration
from relogement.offers import visibility
from relogement.offers.models import HousingOffer, Proposal
from relogement.projects.models import Building
from tests import factories

LIST = reverse("offers:list")


def _seen(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [offer.reference for offer in response.context["page"].object_list]


@pytest.fixture
def offers(world):
    own = factories.HousingOfferFactory(landlord=world.orgs["landlord"], reference="OWN")
    foreign = {
        name: factories.HousingOfferFactory(landlord=world.orgs["other_landlord"], reference=name)
        for name in ("F1", "F2", "F3")
    }
    return own, foreign


def test_every_write_that_widens_or_narrows_the_set_shows_at_once(world, offers, cache_on):
    own, foreign = offers
    client = world.client_for("landlord")
    assert _seen(client) == ["OWN"]
    # A household of one of its buildings positioned on another landlord's offer (save(): history).
    proposal = factories.ProposalFactory(household=world.household_a, offer=foreign["F1"])
    assert _seen(client) == ["OWN", "F1"]
    # A household of another landlord's building, positioned elsewhere, then on one of its offers:
    # it enters the perimeter, and so does the offer it was positioned on.
    factories.ProposalFactory(household=world.household_other, offer=foreign["F2"])
    assert _seen(client) == ["OWN", "F1"]
    factories.ProposalFactory(household=world.household_other, offer=own)
    assert _seen(client) == ["OWN", "F1", "F2"]
    # A household moving into one of its buildings without save() (no history row: the triggers).
    outside = factories.HouseholdFactory(building=world.other_building, reference="OUT-1")
    factories.ProposalFactory(household=outside, offer=foreign["F3"])
    assert _seen(client) == ["OWN", "F1", "F2"]
    Household.objects.filter(pk=outside.pk).update(building=world.building)
    assert _seen(client) == ["OWN", "F1", "F2", "F3"]
    # A proposal taken off its offer without save().
    Proposal.objects.filter(pk=proposal.pk).update(offer=None)
    assert _seen(client) == ["OWN", "F2", "F3"]
    # Its own offers and the filters are never cached: « mine », a new offer of its own.
    assert _seen(client, "?mine=on") == ["OWN"]
    factories.HousingOfferFactory(landlord=world.orgs["landlord"], reference="OWN-2")
    assert set(_seen(client)) == {"OWN", "OWN-2", "F2", "F3"}


def test_cached_set_skips_the_proposals_and_matches_the_subquery(world, offers, cache_on, settings):
    own, foreign = offers
    factories.ProposalFactory(household=world.household_a, offer=foreign["F2"])
    client = world.client_for("landlord")
    client.get(LIST)  # computes and caches the set
    with CaptureQueriesContext(connection) as queries:
        cached = _seen(client)
    sqls = [q["sql"] for q in queries.captured_queries if "MAX(" not in q["sql"]]  # not the version
    assert not [sql for sql in sqls if '"offers_proposal"' in sql]
    # The offer's page goes through the same scope.
    assert client.get(reverse("offers:detail", args=[foreign["F2"].pk])).status_code == 200
    assert client.get(reverse("offers:detail", args=[foreign["F1"].pk])).status_code == 404
    settings.INDICATORS_CACHE_SECONDS = 0
    assert _seen(client) == cached == ["OWN", "F2"]
    user = world.users["landlord"]
    assert list(HousingOffer.objects.visible_to(user).values_list("reference", flat=True)) == cached


def test_the_version_covers_every_table_the_set_reads():
    """Proposals (offer, household), households (building), buildings (landlord), offers (landlord):
    a new row or a history row in any of them moves the version."""
    tables = {table for table, _ in visibility._tables()}
    for model in (Proposal, Household, Building, HousingOffer):
        assert model._meta.db_table in tables
        assert model.history.model._meta.db_table in tables
    assert DataGeneration._meta.db_table in tables  # writes that bypass the history (triggers)


def test_households_positioned_on_its_offers_enter_and_leave_the_landlord_perimeter_at_once(
    world, offers, cache_on
):
    """The households positioned on a landlord's offers (part of its perimeter) are kept per data
    version too: a new proposal opens the household's file at once, a proposal moved away without save()
    closes it at once."""
    own, foreign = offers
    client = world.client_for("landlord")
    file = reverse("households:detail", args=[world.household_other.pk])
    assert client.get(file).status_code == 404
    proposal = factories.ProposalFactory(household=world.household_other, offer=own)
    assert client.get(file).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(file).status_code == 200
    assert not [
        q["sql"]
        for q in queries.captured_queries
        if '"offers_housingoffer"."landlord_id"' in q["sql"] and "EXISTS" in q["sql"]
    ]
    Proposal.objects.filter(pk=proposal.pk).update(offer=foreign["F1"])
    assert client.get(file).status_code == 404
