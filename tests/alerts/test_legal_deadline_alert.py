"""The legal-deadline alert (issue 15 point 5): set-based in the database, shown when the end of the
right to stay nears (project's warning period) or passed less than a month ago, never otherwise,
in the user's perimeter only; it agrees with ``offers.offer_rules.legal_deadlines`` (the deadlines
page) and costs the same number of queries at any size."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.alerts import rules
from relogement.alerts.models import AlertKind, ProjectAlertSettings
from relogement.households.models import OccupancyStatus
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import Answer, ProposalStatus
from relogement.offers.offer_rules import add_months, legal_deadlines
from relogement.projects.models import OfferRuleBasis
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


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


def _three_refusals(household, third_notified):
    """Three refused compliant offers, the third (the trigger of CCH L.442-6) on ``third_notified``."""
    _refused(household, third_notified - dt.timedelta(days=200))
    _refused(household, third_notified - dt.timedelta(days=100))
    _refused(household, third_notified)


def _deadlines(user, today=TODAY):
    return [a for a in rules.alerts_for(user, today=today) if a.kind == AlertKind.LEGAL_DEADLINE]


def test_appears_near_the_deadline_and_not_otherwise(world):
    # Third refusal 5 months and 10 days ago: the right to stay ends in about 20 days (< 60).
    third = add_months(TODAY, -6) + dt.timedelta(days=20)
    _three_refusals(world.household_a, third)
    alerts = _deadlines(world.users["mous"])
    lost_on = add_months(third, 6)
    assert [a.key for a in alerts] == [f"deadline-{world.household_a.pk}-{lost_on:%Y%m%d}"]
    assert alerts[0].due == lost_on and not alerts[0].overdue
    assert world.household_a.reference in alerts[0].title and "Martin" not in alerts[0].title
    assert alerts[0].url == reverse("households:detail", kwargs={"pk": world.household_a.pk})
    # Far from the deadline: 100 days later than the warning period.
    assert _deadlines(world.users["mous"], today=lost_on - dt.timedelta(days=100)) == []
    # Just passed: still shown, overdue; more than a month after: gone.
    passed = _deadlines(world.users["mous"], today=lost_on + dt.timedelta(days=10))
    assert passed and passed[0].overdue
    assert _deadlines(world.users["mous"], today=lost_on + dt.timedelta(days=40)) == []


def test_needs_the_required_number_of_compliant_refusals(world):
    third = add_months(TODAY, -6) + dt.timedelta(days=20)
    _refused(world.household_a, third - dt.timedelta(days=100))
    _refused(world.household_a, third)
    _refused(world.household_a, third - dt.timedelta(days=50), compliant=False)  # not counted
    assert _deadlines(world.users["mous"]) == []
    # The rank is taken over all the household's refusals, not only those near the deadline: a
    # fourth refusal later does not move the clock started by the third.
    _refused(world.household_a, third + dt.timedelta(days=1))
    alerts = _deadlines(world.users["mous"])
    assert [a.due for a in alerts] == [add_months(third + dt.timedelta(days=1), 6)]


def test_no_clock_no_alert_and_exception(world):
    third = add_months(TODAY, -6) + dt.timedelta(days=20)
    _three_refusals(world.household_a, third)
    world.household_a.occupancy_status = OccupancyStatus.NO_TITLE  # no statutory rule
    world.household_a.save()
    assert _deadlines(world.users["mous"]) == []
    world.household_a.occupancy_status = OccupancyStatus.SOCIAL_TENANT
    world.household_a.specially_designed_dwelling = True  # the exception applies
    world.household_a.save()
    assert _deadlines(world.users["mous"]) == []
    world.household_a.specially_designed_dwelling = False
    world.household_a.status = HouseholdStatus.REHOUSED
    world.household_a.save()
    assert _deadlines(world.users["mous"]) == []


def test_project_rule_and_warning_period(world):
    world.project.offer_rule_basis = OfferRuleBasis.LOCAL_CHARTER
    world.project.required_offers = 1
    world.project.departure_delay_months = 3
    world.project.save()
    first = add_months(TODAY, -3) + dt.timedelta(days=40)  # ends in about 40 days
    _refused(world.household_a, first)
    assert [a.due for a in _deadlines(world.users["mous"])] == [add_months(first, 3)]
    ProjectAlertSettings.objects.create(project=world.project, deadline_warning_days=30)
    assert _deadlines(world.users["mous"]) == []
    ProjectAlertSettings.objects.filter(project=world.project).update(deadline_warning_days=45)
    assert len(_deadlines(world.users["mous"])) == 1


def test_respects_the_perimeter(world):
    third = add_months(TODAY, -6) + dt.timedelta(days=20)
    _three_refusals(world.household_a, third)  # provider A's household
    assert len(_deadlines(world.users["social_a"])) == 1
    assert _deadlines(world.users["social_b"]) == []
    assert _deadlines(world.users["outsider"]) == []
    assert rules.alerts_for(world.users["admin"]) == []
    body = world.client_for("social_b").get(reverse("alerts:centre")).content.decode()
    assert world.household_a.reference not in body
    body = world.client_for("social_a").get(reverse("alerts:centre")).content.decode()
    assert world.household_a.reference in body


def test_agrees_with_the_deadlines_page(world):
    for i, h in enumerate([world.household_a, world.household_b]):
        _three_refusals(h, add_months(TODAY, -6) + dt.timedelta(days=5 + 10 * i))
    _three_refusals(world.household_other, add_months(TODAY, -6) - dt.timedelta(days=10))  # passed
    user = world.users["mous"]
    page = {(r[0], r[1]) for r in legal_deadlines(user, today=TODAY, past_days=31)}
    alerts = {(int(a.key.split("-")[1]), a.due) for a in _deadlines(user)}
    assert alerts == {(hid, lost) for hid, lost in page if (lost - TODAY).days <= 60}
    assert len(alerts) >= 2


def test_constant_number_of_queries(world, django_assert_max_num_queries):
    third = add_months(TODAY, -6) + dt.timedelta(days=20)
    _three_refusals(world.household_a, third)
    user = world.users["mous"]
    with django_assert_max_num_queries(10) as small:
        assert len(rules.legal_deadlines(user, TODAY, {})) == 1
    for i in range(15):
        h = factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
        _three_refusals(h, third - dt.timedelta(days=i))
        far = factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
        _three_refusals(far, third - dt.timedelta(days=300))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rules.legal_deadlines(user, TODAY, {})) == 16
    # The projects' delays, the user's membership (scope), the trigger proposals; no id list.
    assert len(small.captured_queries) <= 3
    assert not any(re.search(r"IN \(%s|IN \(\d", q["sql"]) for q in small.captured_queries)
