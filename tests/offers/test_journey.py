"""The full journey through the services: publish, position two households, a refusal, an acceptance,
CALEOL, lease, move-in."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.core.errors import DomainError
from relogement.households.statuses import HouseholdStatus
from relogement.offers import services
from relogement.offers.models import (
    Answer,
    CommissionDecision,
    HousingOffer,
    OfferStatus,
    ProposalStatus,
)
from relogement.offers.offer_rules import offer_count
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories
from tests.offers.conftest import days_ago


def _publish(world, **extra):
    data = {
        "reference": "LOG-42",
        "address": "12 rue Nationale",
        "commune": world.commune,
        "in_qpv": False,
        "dwelling_type": "T3",
        "living_area": Decimal("66"),
        "floor": 2,
        "has_lift": True,
        "accessible": False,
        "is_house": False,
        "rent": Decimal("410"),
        "charges": Decimal("85"),
        "financing": "PLUS",
        "commissioning_date": dt.date(2024, 1, 15),
        "reservation_holder": "Action Logement",
        "available_from": days_ago(30),
    } | extra
    return services.offer_publish(actor=world.users["landlord"], data=data)


def test_full_journey(searching, reason):
    world = searching
    mous, social_a, landlord = world.users["mous"], world.users["social_a"], world.users["landlord"]
    offer = _publish(world)
    assert offer.status == OfferStatus.AVAILABLE and offer.landlord == world.orgs["landlord"]

    p_a = services.proposal_position(offer=offer, household=world.household_a, actor=social_a)
    p_b = services.proposal_position(offer=offer, household=world.household_b, actor=mous)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.POSITIONED

    services.proposal_notify(
        proposal=p_a, actor=social_a, notified_date=days_ago(20), answer_deadline=days_ago(10)
    )
    services.proposal_notify(proposal=p_b, actor=mous, notified_date=days_ago(19))
    p_a.refresh_from_db()
    assert (p_a.rent, p_a.commune, p_a.landlord_name, p_a.dwelling_type) == (
        Decimal("410.00"),
        world.commune,
        "Bailleur Nord",
        "T3",
    )
    assert p_a.is_compliant is True and "Surface" in p_a.compliance_note
    world.household_a.refresh_from_db()
    assert world.household_a.status == HouseholdStatus.PROPOSAL_IN_PROGRESS

    # The snapshot does not follow later edits of the offer.
    services.offer_update(offer=offer, actor=landlord, data={"rent": Decimal("450")})
    p_a.refresh_from_db()
    assert p_a.rent == Decimal("410.00")

    services.proposal_refuse(proposal=p_a, actor=social_a, answer_date=days_ago(15), refusal_reason=reason)
    p_a.refresh_from_db()
    assert p_a.answer == Answer.REFUSED and p_a.refusal_reason_text == "Localisation ne convenant pas"
    world.household_a.refresh_from_db()
    assert world.household_a.status == HouseholdStatus.SEARCHING
    reason.label = "Renamed"
    reason.save()
    p_a.refresh_from_db()
    assert p_a.refusal_reason_text == "Localisation ne convenant pas"

    services.proposal_accept(proposal=p_b, actor=mous, answer_date=days_ago(14))
    services.proposal_record_commission(
        proposal=p_b, actor=landlord, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(10)
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RESERVED
    services.proposal_sign_lease(proposal=p_b, actor=landlord, lease_date=days_ago(5))
    rehousing = services.proposal_move_in(proposal=p_b, actor=landlord, move_in_date=days_ago(3))

    offer.refresh_from_db()
    world.household_b.refresh_from_db()
    p_b.refresh_from_db()
    assert offer.status == OfferStatus.LET
    assert world.household_b.status == HouseholdStatus.REHOUSED
    assert world.household_b.status_changes.latest("pk").effective_date == days_ago(3)
    assert p_b.status == ProposalStatus.MOVED_IN
    assert rehousing.kind == RehousingKind.DEFINITIVE and rehousing.offer == offer
    assert (rehousing.rent, rehousing.apl, rehousing.rls) == (
        Decimal("450.00"),
        Decimal("180.00"),
        Decimal("30.00"),
    )
    assert rehousing.rent_reduction_payment is not None
    # The offer count: A had one compliant offer (refused), B one (accepted).
    count_a = offer_count(world.household_a)
    assert (count_a.compliant_count, count_a.refused_compliant_count, count_a.required) == (1, 1, 3)
    assert count_a.right_to_stay_lost_on is None
    assert offer_count(world.household_b).compliant_count == 1


def test_offer_publish_only_by_landlord_and_valid(world):
    with pytest.raises(DomainError, match="bailleur"):
        services.offer_publish(actor=world.users["mous"], data={})
    with pytest.raises(DomainError, match="négatif"):
        _publish(world, rent=Decimal("-1"))
    assert not HousingOffer.objects.exists()


def test_offer_edit_only_by_its_landlord(world, offer):
    other = factories.UserFactory(organisations=[world.orgs["other_landlord"]])
    with pytest.raises(DomainError, match="Seul le bailleur"):
        services.offer_update(offer=offer, actor=other, data={"rent": Decimal("1")})
    offer.refresh_from_db()
    assert offer.rent == Decimal("430.00")


def test_withdrawing_an_offer_withdraws_its_proposals(searching, offer):
    world = searching
    p = services.proposal_position(offer=offer, household=world.household_a, actor=world.users["social_a"])
    services.proposal_notify(proposal=p, actor=world.users["social_a"], notified_date=days_ago(3))
    with pytest.raises(DomainError, match="motif"):
        services.offer_withdraw(offer=offer, actor=world.users["landlord"], reason="")
    services.offer_withdraw(offer=offer, actor=world.users["landlord"], reason="Vendu")
    offer.refresh_from_db()
    p.refresh_from_db()
    world.household_a.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert p.status == ProposalStatus.WITHDRAWN
    assert world.household_a.status == HouseholdStatus.SEARCHING
    with pytest.raises(DomainError, match="Retirée"):
        services.proposal_position(offer=offer, household=world.household_b, actor=world.users["mous"])


def test_position_rules(searching, offer):
    world = searching
    services.proposal_position(offer=offer, household=world.household_a, actor=world.users["social_a"])
    with pytest.raises(DomainError, match="déjà positionné"):
        services.proposal_position(offer=offer, household=world.household_a, actor=world.users["mous"])
    with pytest.raises(DomainError, match="positionnent"):
        services.proposal_position(offer=offer, household=world.household_b, actor=world.users["landlord"])
    with pytest.raises(DomainError, match="À diagnostiquer"):
        services.proposal_position(offer=offer, household=world.household_other, actor=world.users["mous"])


def test_second_allocation_on_same_offer_refused(searching, offer):
    world, mous = searching, searching.users["mous"]
    proposals = []
    for household in (world.household_a, world.household_b):
        p = services.proposal_position(offer=offer, household=household, actor=mous)
        services.proposal_notify(proposal=p, actor=mous, notified_date=days_ago(10))
        services.proposal_accept(proposal=p, actor=mous, answer_date=days_ago(9))
        proposals.append(p)
    services.proposal_record_commission(
        proposal=proposals[0], actor=mous, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(5)
    )
    with pytest.raises(DomainError, match="déjà attribué"):
        services.proposal_record_commission(
            proposal=proposals[1],
            actor=mous,
            decision=CommissionDecision.ALLOCATED,
            commission_date=days_ago(5),
        )
    services.proposal_record_commission(
        proposal=proposals[1], actor=mous, decision=CommissionDecision.POSTPONED, commission_date=days_ago(5)
    )
    # The first household withdraws before the lease: the offer is free again, it searches again.
    services.proposal_withdraw(proposal=proposals[0], actor=mous, reason="Désistement du ménage")
    offer.refresh_from_db()
    world.household_a.refresh_from_db()
    assert offer.status == OfferStatus.POSITIONED
    assert world.household_a.status == HouseholdStatus.SEARCHING
    services.proposal_record_commission(
        proposal=proposals[1],
        actor=mous,
        decision=CommissionDecision.REJECTED,
        commission_date=days_ago(4),
        reason="Ressources insuffisantes",
    )
    offer.refresh_from_db()
    world.household_b.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE
    assert world.household_b.status == HouseholdStatus.SEARCHING


def test_temporary_then_definitive_rehousing(searching, offer):
    world, mous = searching, searching.users["mous"]
    world.project.right_to_return = True
    world.project.save()
    household = world.household_a

    def through_lease(o, start):
        p = services.proposal_position(offer=o, household=household, actor=mous)
        services.proposal_notify(proposal=p, actor=mous, notified_date=days_ago(start))
        services.proposal_accept(proposal=p, actor=mous, answer_date=days_ago(start - 1))
        services.proposal_record_commission(
            proposal=p, actor=mous, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(start - 2)
        )
        services.proposal_sign_lease(proposal=p, actor=mous, lease_date=days_ago(start - 3))
        return p

    p1 = through_lease(offer, 40)
    temp = services.proposal_move_in(
        proposal=p1, actor=mous, move_in_date=days_ago(36), kind=RehousingKind.TEMPORARY
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.TEMPORARILY_REHOUSED
    assert temp.right_to_return is True and temp.rent_reduction_payment is False
    second = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    p2 = through_lease(second, 20)
    services.proposal_move_in(proposal=p2, actor=mous, move_in_date=days_ago(16))
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REHOUSED
    assert Rehousing.objects.filter(household=household).count() == 2
    third = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    p3 = factories.ProposalFactory(
        household=household, offer=third, status=ProposalStatus.LEASE_SIGNED, lease_date=days_ago(10)
    )
    with pytest.raises(DomainError, match="déjà un relogement définitif"):
        services.proposal_move_in(proposal=p3, actor=mous, move_in_date=days_ago(5))


def test_refusal_while_temporarily_rehoused_goes_back_to_temporary_dwelling(searching, offer, reason):
    world, mous = searching, searching.users["mous"]
    household = world.household_a
    first = services.proposal_position(offer=offer, household=household, actor=mous)
    services.proposal_notify(proposal=first, actor=mous, notified_date=days_ago(40))
    services.proposal_accept(proposal=first, actor=mous, answer_date=days_ago(39))
    services.proposal_record_commission(
        proposal=first, actor=mous, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(38)
    )
    services.proposal_sign_lease(proposal=first, actor=mous, lease_date=days_ago(37))
    services.proposal_move_in(
        proposal=first, actor=mous, move_in_date=days_ago(36), kind=RehousingKind.TEMPORARY
    )
    second_offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    second = services.proposal_position(offer=second_offer, household=household, actor=mous)
    services.proposal_notify(proposal=second, actor=mous, notified_date=days_ago(10))
    household.refresh_from_db()
    assert household.status == HouseholdStatus.PROPOSAL_IN_PROGRESS
    services.proposal_refuse(proposal=second, actor=mous, answer_date=days_ago(5), refusal_reason=reason)
    household.refresh_from_db()
    # Still in its temporary dwelling: the file stays open, not back to the search list.
    assert household.status == HouseholdStatus.TEMPORARILY_REHOUSED
