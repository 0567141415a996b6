"""The offers area against the real benefits engine (openfisca-france)."""

from decimal import Decimal

from relogement.offers import services
from relogement.offers.models import CommissionDecision
from relogement.offers.residual_rent import estimate_for_offer
from tests.offers.conftest import days_ago


def test_estimate_uses_the_engine(world, offer, real_engine):
    household = world.household_a
    household.monthly_resources = Decimal("1400")
    estimate = estimate_for_offer(household, offer)
    assert estimate.available and estimate.source == "engine"
    direct = real_engine.compute_benefits(
        profile=real_engine.profile_for_household(household),
        insee_code=offer.commune.insee_code,
        rent=offer.rent,
        charges=offer.charges,
    )
    assert (estimate.apl, estimate.rls, estimate.rac) == (direct.apl, direct.rls, direct.rac)
    assert estimate.rac == offer.rent + offer.charges - estimate.apl - estimate.rls
    assert estimate.effort_rate == real_engine.effort_rate(estimate.rac, household.monthly_resources)
    assert estimate.inputs


def test_move_in_records_engine_benefits(searching, offer, real_engine):
    world, mous = searching, searching.users["mous"]
    p = services.proposal_position(offer=offer, household=world.household_a, actor=mous)
    services.proposal_notify(proposal=p, actor=mous, notified_date=days_ago(10))
    services.proposal_accept(proposal=p, actor=mous, answer_date=days_ago(9))
    services.proposal_record_commission(
        proposal=p, actor=mous, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(8)
    )
    services.proposal_sign_lease(proposal=p, actor=mous, lease_date=days_ago(7))
    rehousing = services.proposal_move_in(proposal=p, actor=mous, move_in_date=days_ago(5))
    expected = estimate_for_offer(world.household_a, offer)
    assert (rehousing.apl, rehousing.rls) == (expected.apl, expected.rls)
    p.refresh_from_db()
    assert "Taux d'effort" in p.compliance_note
