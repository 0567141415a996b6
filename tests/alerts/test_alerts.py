"""The alert rules (per-project settings, perimeter), the centre's constant number of queries, the
preferences, and the e-mails (immediate once, digests grouped by kind, no social data), on locmem."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from relogement.alerts import notifications, rules, services
from relogement.alerts.models import AlertKind, AlertPreference, Channel, ProjectAlertSettings
from relogement.governance.models import Committee
from relogement.households.models import NextStep
from relogement.offers.models import ProposalStatus
from tests import factories
from tests.requests.builders import request_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _stalled(world, days_ago=40, household=None):
    return factories.ProposalFactory(
        household=household or world.household_a,
        offer__landlord=world.orgs["landlord"],
        status=ProposalStatus.PROPOSED,
        notified_date=TODAY - dt.timedelta(days=days_ago),
    )


def _kinds(user):
    return [a.kind for a in rules.alerts_for(user)]


def test_stalled_proposal_after_the_projects_n_days_or_never(world):
    proposal = _stalled(world, days_ago=40)
    alerts = [a for a in rules.alerts_for(world.users["mous"]) if a.kind == AlertKind.STALLED_PROPOSAL]
    assert [a.key for a in alerts] == [f"proposal-{proposal.pk}"]
    assert "Famille Martin" not in alerts[0].title and "CONC-001" in alerts[0].title
    settings = ProjectAlertSettings.objects.create(project=world.project, stalled_proposal_days=60)
    assert AlertKind.STALLED_PROPOSAL not in _kinds(world.users["mous"])
    settings.stalled_proposal_days = 10
    settings.save()
    assert AlertKind.STALLED_PROPOSAL in _kinds(world.users["mous"])
    settings.stalled_proposal_days = None  # never
    settings.save()
    assert AlertKind.STALLED_PROPOSAL not in _kinds(world.users["mous"])


def test_stalled_proposals_are_cut_in_the_query_with_their_total(world):
    """The oldest first, ``limit`` of them, and the total of all, the project rules applied in SQL: a
    metropolis has thousands of unanswered proposals and the home page asks on every view."""
    other = factories.ProjectFactory(commune=world.commune)
    world.orgs["mous"].projects.add(other)
    elsewhere = factories.HouseholdFactory(building__operation__project=other, project=other)
    oldest = _stalled(world, days_ago=50)
    middle = _stalled(world, days_ago=45, household=factories.HouseholdFactory(building=world.building))
    _stalled(world, days_ago=40, household=factories.HouseholdFactory(building=world.building))
    _stalled(world, days_ago=5)  # not stalled yet (the default N is 21 days)
    recent_elsewhere = _stalled(world, days_ago=15, household=elsewhere)
    user = world.users["mous"]
    settings = rules._project_settings()
    alerts, total = rules._stalled_proposals(user, TODAY, settings, 2)
    assert [a.key for a in alerts] == [f"proposal-{oldest.pk}", f"proposal-{middle.pk}"] and total == 3
    assert len(rules.stalled_proposals(user, TODAY, settings, None)) == 3
    # The other project says 10 days: its proposal of 15 days counts; this one says never.
    ProjectAlertSettings.objects.create(project=other, stalled_proposal_days=10)
    ProjectAlertSettings.objects.create(project=world.project, stalled_proposal_days=None)
    alerts, total = rules._stalled_proposals(user, TODAY, rules._project_settings(), 2)
    assert [a.key for a in alerts] == [f"proposal-{recent_elsewhere.pk}"] and total == 1


def test_alerts_stay_in_the_perimeter(world):
    _stalled(world)
    request_for(world)  # provider A → commune
    assert AlertKind.STALLED_PROPOSAL in _kinds(world.users["social_a"])
    assert AlertKind.STALLED_PROPOSAL not in _kinds(world.users["social_b"])
    assert AlertKind.STALLED_PROPOSAL not in _kinds(world.users["outsider"])
    assert AlertKind.REQUEST_RECEIVED in _kinds(world.users["commune"])
    assert AlertKind.REQUEST_RECEIVED not in _kinds(world.users["social_a"])  # the sender
    assert rules.alerts_for(world.users["admin"]) == []


def test_overdue_steps_and_committee_invitations(world):
    NextStep.objects.create(
        household=world.household_a, title="Appeler", due_date=TODAY - dt.timedelta(days=2)
    )
    committee = Committee.objects.create(
        project=world.project, organiser=world.orgs["mous"], starts_at=timezone.now() + dt.timedelta(days=3)
    )
    committee.invited_organisations.set([world.orgs["landlord"]])
    assert AlertKind.OVERDUE_STEP in _kinds(world.users["social_a"])
    assert AlertKind.COMMITTEE_INVITATION in _kinds(world.users["landlord"])
    assert AlertKind.COMMITTEE_INVITATION not in _kinds(world.users["social_b"])


def test_centre_lists_alerts_by_kind(world):
    request_for(world)
    body = world.client_for("commune").get(reverse("alerts:centre")).content.decode()
    assert "Demande reçue" in body and "Examen en comité" in body and "En retard" in body


def _grow(world, n):
    request_for(world)
    for _ in range(n):
        household = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"]
        )
        _stalled(world, household=household)
        NextStep.objects.create(household=household, title="Relancer", due_date=TODAY - dt.timedelta(days=1))
        factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
    _requests_to_social_a(world, n)


def _requests_to_social_a(world, n):
    from relogement.requests.models import HandoffRequest

    HandoffRequest.objects.bulk_create(
        [
            HandoffRequest(
                sender_organisation=world.orgs["mous"],
                recipient=world.orgs["social_a"],
                household=world.household_a,
                subject=f"Demande {i}",
                text="Texte",
                due_date=TODAY + dt.timedelta(days=i),
            )
            for i in range(n)
        ]
    )


def test_the_centre_and_the_badge_give_each_kinds_true_total_at_and_beyond_the_limit(world):
    """A kind with exactly the limit's number of alerts is not "cut"; two more and it is, and the count
    says how many there are (not "50 ou plus")."""
    limit = rules.LIMIT
    client = world.client_for("social_a")
    _requests_to_social_a(world, limit)
    [group] = rules.alert_groups(world.users["social_a"], kinds=[AlertKind.REQUEST_RECEIVED])
    assert (len(group.alerts), group.total, group.cut) == (limit, limit, False)
    assert "plus urgentes" not in client.get(reverse("alerts:centre")).content.decode()
    _requests_to_social_a(world, 2)
    [group] = rules.alert_groups(world.users["social_a"], kinds=[AlertKind.REQUEST_RECEIVED])
    assert (len(group.alerts), group.total, group.cut) == (limit, limit + 2, True)
    assert group.alerts[0].title.endswith(": Demande 0")  # the soonest due first
    body = client.get(reverse("alerts:centre")).content.decode()
    assert f"Les {limit} plus urgentes sur {limit + 2}" in body
    [every] = rules.alert_groups(world.users["social_a"], kinds=[AlertKind.REQUEST_RECEIVED], limit=None)
    assert len(every.alerts) == every.total == limit + 2
    badge = client.get(reverse("alerts:count")).content.decode()
    everything = sum(g.total for g in rules.alert_groups(world.users["social_a"]))
    assert f'data-alert-count="{everything}"' in badge and everything >= limit + 2


@pytest.mark.parametrize("persona", ["social_a", "mous", "commune"])
def test_the_centre_has_a_constant_number_of_queries(world, persona, django_assert_max_num_queries):
    client = world.client_for(persona)
    client.get(reverse("alerts:centre"))
    _grow(world, 2)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("alerts:centre"))
    _grow(world, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("alerts:centre"))


def test_preferences_page_saves_the_channel_per_kind(world):
    client = world.client_for("mous")
    data = {kind: Channel.APP for kind in AlertKind.values} | {AlertKind.REQUEST_RECEIVED: Channel.WEEKLY}
    assert client.post(reverse("alerts:preferences"), data).status_code == 302
    assert services.preferences_of(world.users["mous"])[AlertKind.REQUEST_RECEIVED] == Channel.WEEKLY
    bad = client.post(reverse("alerts:preferences"), data | {AlertKind.REQUEST_RECEIVED: "pigeon"})
    assert bad.status_code == 200 and bad.context["form"].errors[AlertKind.REQUEST_RECEIVED]
    assert services.preferences_of(world.users["mous"])[AlertKind.REQUEST_RECEIVED] == Channel.WEEKLY


def _prefer(user, channel, *kinds):
    user.email = f"{user.username}@example.org"
    user.save()
    for kind in kinds:
        AlertPreference.objects.create(user=user, kind=kind, channel=channel)


def test_daily_digest_groups_by_kind_and_carries_no_household(world):
    user = world.users["social_a"]
    world.household_a.health_note = "Asthme sévère"
    world.household_a.save()
    _stalled(world)
    _stalled(world, household=world.household_a)
    NextStep.objects.create(
        household=world.household_a, title="Appeler", due_date=TODAY - dt.timedelta(days=2)
    )
    _prefer(user, Channel.DAILY, AlertKind.STALLED_PROPOSAL, AlertKind.OVERDUE_STEP)
    _prefer(world.users["social_b"], Channel.WEEKLY, AlertKind.STALLED_PROPOSAL)
    assert notifications.send_digests(Channel.DAILY) == 1
    (message,) = mail.outbox
    assert message.to == ["social_a@example.org"]
    assert message.subject == "[Relogement] Récapitulatif quotidien de vos alertes"
    assert "- Prochaine étape en retard : 1 (dont 1 en retard)" in message.body
    assert "- Proposition sans réponse : 2 (dont 2 en retard)" in message.body
    assert "/alertes/" in message.body
    for secret in ("Famille Martin", "CONC-001", "Asthme", "Appeler"):
        assert secret not in message.body
    # The weekly digest of provider B: nothing in its perimeter, no e-mail.
    assert notifications.send_digests(Channel.WEEKLY) == 0


def test_immediate_email_sends_each_alert_once(world):
    user = world.users["commune"]
    _prefer(user, Channel.IMMEDIATE, AlertKind.REQUEST_RECEIVED)
    request_for(world)
    assert notifications.send_immediate() == 1
    assert "- Demande reçue : 1 (dont 1 en retard)" in mail.outbox[0].body
    assert "Examen en comité" not in mail.outbox[0].body
    assert notifications.send_immediate() == 0
    assert len(mail.outbox) == 1


def test_in_app_only_sends_nothing(world):
    request_for(world)
    _prefer(world.users["commune"], Channel.APP, AlertKind.REQUEST_RECEIVED)
    assert notifications.send_immediate() == 0 and notifications.send_digests(Channel.DAILY) == 0
    assert mail.outbox == []


def test_the_periodic_tasks_are_registered():
    from huey.contrib.djhuey import HUEY

    from relogement.alerts import tasks

    periodic = set(HUEY._registry._periodic_tasks)
    for task in (tasks.alerts_immediate, tasks.alerts_daily_digest, tasks.alerts_weekly_digest):
        assert task.task_class in periodic


def test_the_project_office_sets_never_for_stalled_proposals(world):
    _stalled(world)
    client = world.client_for("mous")
    url = reverse("alerts:project_rules", kwargs={"project_pk": world.project.pk})
    assert client.get(reverse("alerts:centre")).content.decode().count(url) == 1
    response = client.post(url, {"stalled_proposal_days": "", "deadline_warning_days": "45"})
    assert response.status_code == 302
    settings = ProjectAlertSettings.objects.get(project=world.project)
    assert settings.stalled_proposal_days is None and settings.deadline_warning_days == 45
    assert settings.history.count() == 1
    assert AlertKind.STALLED_PROPOSAL not in _kinds(world.users["social_a"])
    bad = client.post(url, {"stalled_proposal_days": "-3", "deadline_warning_days": "45"})
    assert bad.status_code == 200 and bad.context["form"].errors["stalled_proposal_days"]
    assert ProjectAlertSettings.objects.get(project=world.project).stalled_proposal_days is None


def test_overdue_grievances_raise_alerts_for_the_roles_that_read_them(world):
    """Issue 15, point 6: overdue grievances raise alerts; the metropolis reads them as counts only."""
    from relogement.grievances import services as grievance_services

    grievance = grievance_services.grievance_record(
        household=world.household_a,
        category="loyer",
        channel="courrier",
        received_on=dt.date(2026, 4, 30),
        description="Loyer trop élevé.",
        responsible=world.orgs["mous"],
        actor=world.users["mous"],
    )
    # Acknowledgement due 5 May 2026: the next day it is overdue, then (acknowledged) the answer is.
    [late] = rules.alerts_for(
        world.users["mous"], today=dt.date(2026, 5, 6), kinds=[AlertKind.OVERDUE_GRIEVANCE]
    )
    assert late.overdue and late.due == dt.date(2026, 5, 5)
    assert "accusé de réception en retard" in late.title and world.household_a.reference in late.title
    assert late.url == reverse("grievances:detail", kwargs={"pk": grievance.pk})
    assert not rules.alerts_for(
        world.users["mous"], today=dt.date(2026, 5, 5), kinds=[AlertKind.OVERDUE_GRIEVANCE]
    )
    assert not rules.alerts_for(
        world.users["metropolis"], today=dt.date(2026, 5, 6), kinds=[AlertKind.OVERDUE_GRIEVANCE]
    )
    assert not rules.alerts_for(
        world.users["social_b"], today=dt.date(2026, 5, 6), kinds=[AlertKind.OVERDUE_GRIEVANCE]
    )
