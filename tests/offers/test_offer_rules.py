import datetime as dt
from decimal import Decimal

import pytest

from relogement.households.statuses import HouseholdStatus
from relogement.offers import compliance
from relogement.offers.models import Answer, ProposalStatus
from relogement.offers.offer_rules import add_months, legal_deadlines, offer_count, right_to_stay_lost_on
from relogement.offers.residual_rent import RentEstimate
from relogement.projects.models import OfferRuleBasis
from tests import factories

D = dt.date


def _refused(household, notified, compliant=True):
    return factories.ProposalFactory(
        household=household,
        offer=None,
        status=ProposalStatus.REFUSED,
        notified_date=notified,
        answer=Answer.REFUSED,
        answer_date=notified,
        is_compliant=compliant,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 15), 6, D(2025, 7, 15)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_clock_starts_at_the_required_refusal():
    dates = [D(2025, 3, 1), D(2025, 1, 1), D(2025, 5, 10), D(2025, 6, 1)]
    assert right_to_stay_lost_on(dates, required=3, delay_months=6, exception=False) == D(2025, 11, 10)
    assert right_to_stay_lost_on(dates[:2], required=3, delay_months=6, exception=False) is None
    assert right_to_stay_lost_on(dates[:2], required=2, delay_months=6, exception=False) == D(2025, 9, 1)
    assert right_to_stay_lost_on(dates, required=3, delay_months=6, exception=True) is None


def test_offer_count_per_project_settings(world):
    household = world.household_a
    _refused(household, D(2025, 1, 10))
    _refused(household, D(2025, 2, 10), compliant=False)
    _refused(household, D(2025, 3, 10))
    factories.ProposalFactory(
        household=household, offer=None, status=ProposalStatus.POSITIONED
    )  # not notified
    count = offer_count(household)
    assert (count.required, count.compliant_count, count.refused_compliant_count) == (3, 2, 2)
    assert [o.compliant for o in count.offers] == [True, False, True]
    assert count.right_to_stay_lost_on is None and not count.reached
    # Town-planning operation: two offers.
    world.project.offer_rule_basis = OfferRuleBasis.TOWN_PLANNING
    world.project.required_offers = 2
    world.project.departure_delay_months = 6
    world.project.save()
    household.refresh_from_db()
    count = offer_count(household)
    assert count.reached and count.right_to_stay_lost_on == D(2025, 9, 10)
    assert [o.triggers_clock for o in count.offers] == [False, False, True]
    # Exception: a dwelling specially designed for the household.
    household.specially_designed_dwelling = True
    household.save()
    assert offer_count(household).right_to_stay_lost_on is None


def test_legal_deadlines_scope_and_queries(world, django_assert_max_num_queries):
    today = dt.date.today()
    world.project.offer_rule_basis = OfferRuleBasis.LOCAL_CHARTER  # the project's own rule
    world.project.required_offers = 1
    world.project.save()
    _refused(world.household_a, today - dt.timedelta(days=30))
    _refused(world.household_b, today - dt.timedelta(days=60))
    _refused(world.household_other, today - dt.timedelta(days=60))  # other project, required 3
    rows = legal_deadlines(world.users["mous"])
    assert [r[0] for r in rows] == [world.household_b.pk, world.household_a.pk]
    assert [r[0] for r in legal_deadlines(world.users["social_a"])] == [world.household_a.pk]
    assert legal_deadlines(world.users["outsider"]) == []
    world.household_b.status = HouseholdStatus.REHOUSED
    world.household_b.save()
    assert [r[0] for r in legal_deadlines(world.users["mous"])] == [world.household_a.pk]
    for i in range(5):
        h = factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
        _refused(h, today - dt.timedelta(days=i))
    with django_assert_max_num_queries(3):
        assert len(legal_deadlines(world.users["mous"])) == 6


def test_default_compliance_checks(world):
    household = world.household_a  # 2 adults, 1 child
    ok, checks = compliance.default_compliance(household, dwelling_type="T3", living_area=Decimal("60"))
    assert ok and [c.ok for c in checks] == [True, True, None]
    ok, checks = compliance.default_compliance(household, dwelling_type="T5", living_area=Decimal("90"))
    assert not ok and "sous-occupation" in checks[1].detail
    ok, checks = compliance.default_compliance(household, dwelling_type="T2", living_area=Decimal("20"))
    assert not ok and "surpeuplement" in checks[0].detail
    high = RentEstimate(
        rent=Decimal("800"), charges=Decimal("0"), rac=Decimal("600"), effort_rate=Decimal("0.36")
    )
    ok, checks = compliance.default_compliance(
        household, dwelling_type="T3", living_area=Decimal("60"), estimate=high
    )
    assert not ok and checks[-1].ok is False
    household.reduced_mobility = True
    offer = factories.HousingOfferFactory(accessible=False)
    ok, checks = compliance.default_compliance(
        household, dwelling_type="T3", living_area=Decimal("60"), offer=offer
    )
    assert not ok and checks[2].label == "Accessibilité"
    assert "non conforme" in compliance.compliance_note(checks)


@pytest.mark.parametrize(("persons", "area"), [(1, 9), (2, 16), (3, 25), (8, 70), (10, 70)])
def test_minimum_area(persons, area):
    assert compliance.minimum_area(persons) == Decimal(area)
