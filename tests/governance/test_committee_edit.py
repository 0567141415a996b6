"""Editing a planned committee (issue 15 point 1): date, place or link, invitees, by the secretary
before the session is held; atomic, with history; French errors that change nothing; the pickers
hold only the organisations acting on the project and their people."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.governance import services
from relogement.governance.models import SessionStatus
from tests.governance.builders import committee_for

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)


def _update(world, committee, actor="mous", **changes):
    data = {
        "starts_at": NEXT_WEEK,
        "place": "Mairie annexe",
        "video_link": "",
        "organisations": [world.orgs["commune"], world.orgs["landlord"]],
        "people": [],
    }
    data.update(changes)
    return services.committee_update(committee=committee, actor=world.users[actor], **data)


def test_the_secretary_changes_date_place_and_invitees_with_history(world):
    committee = committee_for(world)
    _update(world, committee, people=[world.users["landlord"]])
    committee.refresh_from_db()
    assert committee.starts_at == NEXT_WEEK and committee.place == "Mairie annexe"
    assert set(committee.invited_organisations.all()) == {world.orgs["commune"], world.orgs["landlord"]}
    assert list(committee.invited_people.all()) == [world.users["landlord"]]
    reason = committee.history.first().history_change_reason
    assert reason.startswith("Modification du comité : date, lieu, organisations invitées")
    assert "(+0 −2)" in reason and "personnes invitées" in reason
    # Provider A is no longer invited: it loses the committee; the landlord still sees it.
    assert (
        world.client_for("social_a")
        .get(reverse("governance:committee_detail", kwargs={"pk": committee.pk}))
        .status_code
        == 404
    )
    assert (
        world.client_for("landlord")
        .get(reverse("governance:committee_detail", kwargs={"pk": committee.pk}))
        .status_code
        == 200
    )
    # The agenda stays.
    assert committee.cases.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"place": "", "video_link": ""}, "Indiquez un lieu ou un lien de visioconférence."),
        ({"starts_at": timezone.now() - dt.timedelta(days=2)}, "La nouvelle date du comité est passée"),
    ],
)
def test_bad_input_changes_nothing(world, changes, message):
    committee = committee_for(world)
    before = (committee.starts_at, committee.place, set(committee.invited_organisations.all()))
    with pytest.raises(DomainError, match=message):
        _update(world, committee, **changes)
    committee.refresh_from_db()
    assert (committee.starts_at, committee.place, set(committee.invited_organisations.all())) == before


def test_only_the_secretary_and_only_while_planned(world):
    committee = committee_for(world)
    with pytest.raises(DomainError, match="Seul le secrétariat"):
        _update(world, committee, actor="commune")
    committee.status = SessionStatus.HELD
    committee.save()
    with pytest.raises(DomainError, match="a été tenu"):
        _update(world, committee)


def test_a_person_outside_the_invited_organisations_is_refused(world):
    committee = committee_for(world)
    with pytest.raises(DomainError, match="n'appartient à aucune des organisations invitées"):
        _update(world, committee, people=[world.users["social_b"]])
    assert not committee.invited_people.exists()


def test_the_form_page_edits_and_shows_french_errors(world):
    committee = committee_for(world)
    client = world.client_for("mous")
    url = reverse("governance:committee_edit", kwargs={"pk": committee.pk})
    page = client.get(url).content.decode()
    assert "Salle ACCES" in page and 'data-searchable="1"' in page
    # The pickers: organisations acting on the project (+ the metropolis), never the other
    # project's office nor the administration.
    assert "GIP Métropole" in page and "Bailleur Nord" in page
    assert "MOUS Alma" not in page and "Administration" not in page
    response = client.post(url, {"starts_at": NEXT_WEEK.strftime("%Y-%m-%dT%H:%M"), "place": ""})
    assert response.status_code == 200
    assert "Indiquez un lieu ou un lien de visioconférence." in response.content.decode()
    committee.refresh_from_db()
    assert committee.place == "Salle ACCES"
    response = client.post(
        url,
        {
            "starts_at": timezone.localtime(NEXT_WEEK).strftime("%Y-%m-%dT%H:%M"),
            "video_link": "https://visio.example.org/comite",
            "organisations": [world.orgs["commune"].pk],
        },
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.video_link == "https://visio.example.org/comite" and committee.place == ""
    detail = client.get(reverse("governance:committee_detail", kwargs={"pk": committee.pk})).content.decode()
    assert "Modifier la date, le lieu ou les invitations" in detail
    # Held: the page redirects with a French message, nothing changes.
    committee.status = SessionStatus.HELD
    committee.save()
    response = client.post(
        url, {"starts_at": NEXT_WEEK.strftime("%Y-%m-%dT%H:%M"), "place": "X"}, follow=True
    )
    assert "ne changent plus" in response.content.decode()
    committee.refresh_from_db()
    assert committee.place == ""
