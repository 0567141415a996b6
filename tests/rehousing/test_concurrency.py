"""Integrity under concurrent writes, on PostgreSQL: an offer is let once, a household has one
definitive rehousing. Run with DATABASE_URL=postgres://… (skipped on SQLite, which serialises writes)."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection

from relogement.core.errors import DomainError
from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.offers import services
from relogement.offers.models import HousingOffer, OfferStatus, ProposalStatus
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

DAY = dt.date.today() - dt.timedelta(days=2)


def _run_concurrently(*callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def runner(i, fn):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", fn())
        except Exception as exc:  # collected and asserted by the test
            outcomes[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def _lease_signed(world, household, offer):
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save(update_fields=["status"])
    return factories.ProposalFactory(
        household=household,
        offer=offer,
        status=ProposalStatus.LEASE_SIGNED,
        notified_date=DAY - dt.timedelta(days=10),
        lease_date=DAY - dt.timedelta(days=1),
    )


def test_two_households_into_the_same_offer_exactly_one_wins(world):
    offer = factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, status=OfferStatus.RESERVED
    )
    p_a = _lease_signed(world, world.household_a, offer)
    p_b = _lease_signed(world, world.household_b, offer)
    actor = world.users["mous"]
    outcomes = _run_concurrently(
        lambda: services.proposal_move_in(proposal=p_a, actor=actor, move_in_date=DAY),
        lambda: services.proposal_move_in(proposal=p_b, actor=actor, move_in_date=DAY),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, DomainError) and "déjà loué" in error.message
    assert Rehousing.objects.filter(offer=offer).count() == 1
    assert HousingOffer.objects.get(pk=offer.pk).status == OfferStatus.LET
    statuses = sorted(
        Household.objects.filter(pk__in=[p_a.household_id, p_b.household_id]).values_list("status", flat=True)
    )
    assert statuses == [HouseholdStatus.PROPOSAL_IN_PROGRESS, HouseholdStatus.REHOUSED]


def test_database_refuses_a_second_letting_and_a_second_definitive_rehousing(world):
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)

    def create(household, kind=RehousingKind.DEFINITIVE, with_offer=True):
        return lambda: Rehousing.objects.create(
            household=household,
            kind=kind,
            offer=offer if with_offer else None,
            move_in_date=DAY,
            commune=world.commune,
        )

    outcomes = _run_concurrently(create(world.household_a), create(world.household_b))
    assert sorted(k for k, _ in outcomes) == ["error", "ok"]
    assert isinstance(next(v for k, v in outcomes if k == "error"), IntegrityError)
    outcomes = _run_concurrently(
        create(world.household_other, with_offer=False), create(world.household_other, with_offer=False)
    )
    assert sorted(k for k, _ in outcomes) == ["error", "ok"]
    assert (
        Rehousing.objects.filter(household=world.household_other, kind=RehousingKind.DEFINITIVE).count() == 1
    )
