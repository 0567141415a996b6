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
        stock=offer.stock_kind,
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


def test_a_private_offer_gets_no_rls_and_its_own_benefit(world, offer, real_engine):
    """The offer's stock kind decides the rules: RLS only in conventioned social housing, AL (and 2/3
    of a furnished rent) in the private stock, APL-foyer on the fee (rent + charges) in a foyer."""
    household = world.household_a
    household.monthly_resources = Decimal("900")
    social = estimate_for_offer(household, offer)
    assert social.rls > 0 and social.inputs["housing_status"] == "locataire_hlm"
    results = {}
    for kind in ("prive_vide", "prive_meuble", "foyer"):
        offer.stock_kind = kind
        offer.save()
        results[kind] = estimate_for_offer(household, offer)
        assert results[kind].available
        assert results[kind].rls == 0
        assert results[kind].rac == offer.rent + offer.charges - results[kind].apl
    assert results["prive_vide"].inputs["housing_status"] == "locataire_vide"
    assert results["prive_meuble"].apl < results["prive_vide"].apl
    assert results["foyer"].inputs["housing_status"] == "locataire_foyer"


def test_move_in_to_a_private_offer_records_a_private_rehousing(searching, offer, real_engine):
    world, mous = searching, searching.users["mous"]
    offer.stock_kind = "prive_meuble"
    offer.save()
    p = services.proposal_position(offer=offer, household=world.household_a, actor=mous)
    services.proposal_notify(proposal=p, actor=mous, notified_date=days_ago(10))
    services.proposal_accept(proposal=p, actor=mous, answer_date=days_ago(9))
    services.proposal_record_commission(
        proposal=p, actor=mous, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(8)
    )
    services.proposal_sign_lease(proposal=p, actor=mous, lease_date=days_ago(7))
    rehousing = services.proposal_move_in(proposal=p, actor=mous, move_in_date=days_ago(5))
    assert rehousing.housing_stock == "prive"
    assert rehousing.rls == 0
    assert rehousing.apl == estimate_for_offer(world.household_a, offer).apl


def test_the_positioning_preview_says_estimate_and_why(searching, offer, real_engine):
    """A file that does not say everything the rules need: the page shows an estimate and its assumptions."""
    from datetime import date

    from django.urls import reverse

    from relogement.households.models import EmploymentSituation, Relation, ResourceKind, ResourceLine
    from tests import factories

    household = searching.household_a
    household.adults_count, household.children_count = 2, 0
    household.save()
    factories.HouseholdMemberFactory(
        household=household, relation=Relation.REFERENCE, employment=EmploymentSituation.EMPLOYED
    )
    factories.HouseholdMemberFactory(
        household=household,
        relation=Relation.SPOUSE,
        birth_date=date(1988, 1, 1),
        employment=EmploymentSituation.JOBSEEKER,
    )
    ResourceLine.objects.create(household=household, kind=ResourceKind.SALARY, monthly_amount=Decimal("1700"))
    estimate = estimate_for_offer(household, offer)
    assert estimate.estimate and any("plus de deux mois" in a for a in estimate.assumptions)
    assert "membre 2" in estimate.inputs and "demandeur_emploi" in estimate.inputs["membre 2"]
    html = (
        searching.client_for("mous")
        .get(reverse("offers:position", kwargs={"pk": offer.pk}) + f"?household={household.pk}")
        .content.decode()
    )
    assert "Après : estimation." in html
    assert "Demandeur d&#x27;emploi depuis plus de deux mois" in html
