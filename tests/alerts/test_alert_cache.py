"""The work queue of the home page and the alerts of the menu's badge, kept per user while nothing they
read changes (alerts.caching, issue 19): served again without the rules' queries, never older than the
data once something was written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relogement.alerts import caching
from relogement.households import services
from relogement.households.models import NextStep
from relogement.offers.models import Answer, ProposalStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HOME = reverse("home")
BADGE = reverse("alerts:count")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _overdue_step(world, title="Relancer la CAF"):
    return NextStep.objects.create(
        household=world.household_a,
        title=title,
        due_date=TODAY - dt.timedelta(days=3),
        assignee=world.users["social_a"],
    )


def test_home_and_badge_are_served_again_without_the_rules(world, cache_on):
    factories.ProposalFactory(
        household=world.household_a,
        offer__landlord=world.orgs["landlord"],
        status=ProposalStatus.PROPOSED,
        answer=Answer.PENDING,
        notified_date=TODAY,
        answer_deadline=TODAY + dt.timedelta(days=5),
    )
    client = world.client_for("mous")
    first, html = _queries(client, HOME)
    again, html_again = _queries(client, HOME)
    for page in (html, html_again):  # (pages differ by their per-request nonce and CSRF token)
        assert "Propositions en attente de réponse" in page and "CONC-001" in page
    # The queue's rules, the counts by status and the split households are not read again.
    assert again <= first - 5, (first, again)
    badge_first, badge = _queries(client, BADGE)
    badge_again, badge_again_html = _queries(client, BADGE)
    assert badge_again < badge_first and badge_again_html == badge


def test_a_write_is_seen_at_once(world, cache_on):
    client = world.client_for("social_a")
    assert "Relancer la CAF" not in client.get(HOME).content.decode()
    assert client.get(BADGE).content.decode() == ""
    step = _overdue_step(world)
    assert "Relancer la CAF" in client.get(HOME).content.decode()
    assert 'data-alert-count="1"' in client.get(BADGE).content.decode()
    # Done through the service (an update, which writes a history row): gone from both at once.
    services.next_step_complete(step=step, actor=world.users["social_a"])
    assert "Relancer la CAF" not in client.get(HOME).content.decode()
    assert client.get(BADGE).content.decode() == ""


def test_kept_per_user_and_organisation(world, cache_on):
    _overdue_step(world)
    assert 'data-alert-count="1"' in world.client_for("social_a").get(BADGE).content.decode()
    # Another user of the same perimeter has no step of theirs: the first user's answer is not served.
    other = factories.UserFactory(username="social_a2", organisations=[world.orgs["social_a"]])
    client = world.client_for("social_a")
    client.force_login(other)
    assert client.get(BADGE).content.decode() == ""


def test_off_with_the_figures_cache(settings):
    settings.INDICATORS_CACHE_SECONDS = 0
    settings.ALERTS_CACHE_SECONDS = 60
    calls = []
    caching.for_user(None, "x", lambda: calls.append(1), today=TODAY)
    caching.for_user(None, "x", lambda: calls.append(1), today=TODAY)
    assert calls == [1, 1]


def test_activity_version_covers_the_tables_the_rules_read(db):
    tables = {table for table, _ in caching._tables()}
    for table in (
        "households_nextstep",
        "households_historicalnextstep",
        "offers_proposal",
        "offers_housingoffer",
        "requests_handoffrequest",
        "requests_requestanswer",
        "governance_committee",
        "governance_committee_invited_organisations",
        "grievances_grievance",
        "alerts_projectalertsettings",
        "accounts_membership",
    ):
        assert table in tables, table
