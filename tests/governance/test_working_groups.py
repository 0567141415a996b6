"""Thematic working groups: members only, frozen indicator snapshots with the secret statistique,
decisions with actions (owners, due dates), French errors on bad input."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.governance import working_groups as wg
from relogement.governance.models import Action, GroupDecision, IndicatorSnapshot, WorkingGroup
from relogement.indicators.perimeter import METROPOLIS_PERIMETER
from relogement.indicators.selectors import compute_for
from relogement.permissions import predicates
from tests import factories
from tests.governance.group_builders import MEMBERS, NON_MEMBERS, group_for, meeting_for

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _more_households(world, n, prefix="GT"):
    for i in range(n):
        factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], reference=f"{prefix}-{i:03d}"
        )


def _value(rows, indicator_id):
    return next(r["value"] for r in rows if r["id"] == indicator_id)


def _shown(html, label):
    """The value cell printed after an indicator's label on the meeting page."""
    match = re.search(rf"<td>{re.escape(label)}</td><td[^>]*>(.*?)</td>", html, re.S)
    return match.group(1) if match else None


# --- who sees what ---------------------------------------------------------------------------------


def test_members_see_the_group_and_others_get_404(world):
    group = group_for(world)
    meeting = meeting_for(world)
    for persona in MEMBERS:
        client = world.client_for(persona)
        assert client.get(reverse("governance:group_detail", args=[group.pk])).status_code == 200
        page = client.get(reverse("governance:group_meeting", args=[group.pk, meeting.pk]))
        assert "Recenser les T5 et T6 disponibles." in page.content.decode()
        listing = client.get(reverse("governance:group_list")).content.decode()
        assert "Grandes familles" in listing
    for persona in NON_MEMBERS:
        client = world.client_for(persona)
        assert client.get(reverse("governance:group_detail", args=[group.pk])).status_code == 404
        assert client.get(reverse("governance:group_meeting", args=[group.pk, meeting.pk])).status_code == 404
    # The list of a non-member does not name the group either.
    assert (
        "Grandes familles"
        not in world.client_for("mous").get(reverse("governance:group_list")).content.decode()
    )


def test_only_the_metropolis_creates_and_manages(world):
    group = group_for(world)
    assert predicates.can_create_working_group(world.users["metropolis"])
    assert not predicates.can_create_working_group(world.users["commune"])
    assert not predicates.can_manage_working_group(world.users["commune"], group)
    with pytest.raises(DomainError):
        wg.group_meeting_create(group=group, actor=world.users["commune"], date=TODAY)
    # Member changes: provider A's person removed, the MOUS added; the history keeps the change.
    wg.working_group_set_members(
        group=group, actor=world.users["metropolis"], organisations=[world.orgs["mous"]], people=[]
    )
    assert (
        world.client_for("social_a").get(reverse("governance:group_detail", args=[group.pk])).status_code
        == 404
    )
    assert (
        world.client_for("mous").get(reverse("governance:group_detail", args=[group.pk])).status_code == 200
    )
    assert group.history.filter(history_change_reason="Membres modifiés").exists()


# --- snapshots -------------------------------------------------------------------------------------


def test_snapshot_is_frozen_while_the_live_dashboard_changes(world):
    _more_households(world, 6)
    metropolis = world.users["metropolis"]
    meeting = meeting_for(world)
    snapshot = wg.group_snapshot_take(
        meeting=meeting, actor=metropolis, perimeter_token="metropole", as_of=TODAY
    )
    frozen = _value(snapshot.rows, "avancement.recenses")
    assert frozen == compute_for(metropolis, METROPOLIS_PERIMETER, TODAY).values["avancement.recenses"]
    assert frozen >= 5
    assert snapshot.perimeter_label == "Métropole (tout votre périmètre)"

    _more_households(world, 4, prefix="GU")  # data change after the meeting
    cache.clear()
    live = compute_for(metropolis, METROPOLIS_PERIMETER, TODAY).values["avancement.recenses"]
    assert live == frozen + 4
    snapshot.refresh_from_db()
    assert _value(snapshot.rows, "avancement.recenses") == frozen
    page = world.client_for("commune").get(
        reverse("governance:group_meeting", args=[meeting.group_id, meeting.pk])
    )
    assert _shown(page.content.decode(), "Ménages recensés") == str(frozen)
    # Live dashboard: the new households are counted.
    dashboard = world.client_for("metropolis").get(
        reverse("indicators:dashboard"), {"date": TODAY.isoformat()}
    )
    assert str(live) in dashboard.content.decode()
    # A snapshot is taken once.
    with pytest.raises(DomainError, match="déjà figés"):
        wg.group_snapshot_take(meeting=meeting, actor=metropolis, perimeter_token="metropole", as_of=TODAY)


def test_snapshot_hides_small_counts_for_every_reader(world):
    # Three households in the whole metropolis: below 5, hidden even for the commune (named data).
    meeting = meeting_for(world)
    snapshot = wg.group_snapshot_take(
        meeting=meeting, actor=world.users["metropolis"], perimeter_token="metropole", as_of=TODAY
    )
    assert _value(snapshot.rows, "avancement.recenses") == 3
    rows = {r.label: r for r in wg.snapshot_rows(snapshot)}
    assert rows["Ménages recensés"].cell.hidden
    for persona in ("metropolis", "commune"):
        html = (
            world.client_for(persona)
            .get(reverse("governance:group_meeting", args=[meeting.group_id, meeting.pk]))
            .content.decode()
        )
        shown = _shown(html, "Ménages recensés")
        assert "&lt; 5" in shown and ">3<" not in shown and shown.strip() != "3"


def test_snapshot_bad_input_french_errors_nothing_written(world):
    group = group_for(world)
    meeting = meeting_for(world)
    client = world.client_for("metropolis")
    url = reverse("governance:group_snapshot", args=[group.pk, meeting.pk])
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"perimeter": "metropole", "as_of": future})
    assert response.status_code == 200
    assert "La date d&#x27;observation ne peut pas être dans le futur." in response.content.decode()
    response = client.post(url, {"perimeter": "projet-999999", "as_of": TODAY.isoformat()})
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(url, {"perimeter": "metropole", "as_of": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not IndicatorSnapshot.objects.exists()


# --- decisions and actions -------------------------------------------------------------------------


def test_decision_with_action_owner_and_due_date(world):
    group = group_for(world)
    meeting = meeting_for(world)
    client = world.client_for("metropolis")
    due = TODAY + dt.timedelta(days=15)
    response = client.post(
        reverse("governance:group_decision", args=[group.pk, meeting.pk]),
        {
            "text": "Mobiliser le contingent préfectoral",
            "action_title": "Saisir la préfecture",
            "action_organisation": world.orgs["commune"].pk,
            "action_person": world.users["commune"].pk,
            "action_due": due.isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Saisir la préfecture")
    assert action.owner_organisation == world.orgs["commune"]
    assert action.owner_person == world.users["commune"]
    assert action.due_date == due
    assert action.group_decision.meeting == meeting
    assert action.history.first().history_change_reason == "Action de suivi décidée en groupe de travail"
    # The owner sees it in its list and closes it; another member may not.
    listing = world.client_for("commune").get(reverse("governance:group_list")).content.decode()
    assert "Saisir la préfecture" in listing
    update = reverse("governance:group_action_update", args=[group.pk, action.pk])
    assert world.client_for("landlord").post(update, {"status": "done"}).status_code == 404
    assert world.client_for("commune").post(update, {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_decision_bad_input_french_errors_nothing_written(world):
    group = group_for(world)
    meeting = meeting_for(world)
    client = world.client_for("metropolis")
    url = reverse("governance:group_decision", args=[group.pk, meeting.pk])
    before = (GroupDecision.objects.count(), Action.objects.count())
    html = client.post(url, {"text": "", "action_title": "Faire"}).content.decode()
    assert "Ce champ est obligatoire." in html
    assert "Choisissez l&#x27;organisation responsable de l&#x27;action." in html
    assert "Indiquez l&#x27;échéance de l&#x27;action." in html
    # An owner outside the group's members is not offered.
    html = client.post(
        url,
        {
            "text": "x",
            "action_title": "Faire",
            "action_organisation": world.orgs["social_b"].pk,
            "action_due": TODAY.isoformat(),
        },
    ).content.decode()
    assert "Sélectionnez un choix valide" in html
    with pytest.raises(DomainError, match="membre du groupe"):
        wg.group_decision_record(
            meeting=meeting,
            actor=world.users["metropolis"],
            text="x",
            action_title="Faire",
            owner_organisation=world.orgs["social_b"],
            due_date=TODAY,
        )
    assert (GroupDecision.objects.count(), Action.objects.count()) == before


def test_create_group_form_and_errors(world):
    client = world.client_for("metropolis")
    url = reverse("governance:group_create")
    html = client.post(url, {"name": "  "}).content.decode()
    assert "Ce champ est obligatoire." in html or "Indiquez le nom du groupe de travail." in html
    assert not WorkingGroup.objects.exists()
    response = client.post(url, {"name": "Reste à charge", "organisations": [world.orgs["commune"].pk]})
    group = WorkingGroup.objects.get(name="Reste à charge")
    assert response.url == reverse("governance:group_detail", args=[group.pk])
    assert group.organiser == world.orgs["metropolis"]
    assert list(group.member_organisations.all()) == [world.orgs["commune"]]
    minutes_url = reverse("governance:group_minutes", args=[group_for(world).pk, meeting_for(world).pk])
    assert "Ce champ est obligatoire." in client.post(minutes_url, {"minutes": ""}).content.decode()


# --- demo ------------------------------------------------------------------------------------------


def test_demo_groups_are_seen_by_their_members_only(db):
    import io

    from django.core.management import call_command

    from relogement.accounts.models import User

    call_command("load_demo", households=160, seed=7, stdout=io.StringIO())
    groups = {g.name: g for g in WorkingGroup.objects.all()}
    assert set(groups) == {"Grandes familles", "Reste à charge"}
    for group in groups.values():
        held = group.meetings.exclude(minutes="").get()
        assert held.snapshot.rows and held.decisions.exists()
        assert Action.objects.filter(group_decision__meeting=held).exclude(due_date=None).exists()
    seen = {
        username: set(
            WorkingGroup.objects.visible_to(User.objects.get(username=username)).values_list(
                "name", flat=True
            )
        )
        for username in ("metropole", "mous", "social-b", "bailleur", "admin")
    }
    assert seen["metropole"] == set(groups)
    assert seen["mous"] == {"Grandes familles"}
    assert seen["social-b"] == {"Reste à charge"}
    assert seen["bailleur"] == set(groups)  # its organisation, and itself as a person
    assert seen["admin"] == set()
