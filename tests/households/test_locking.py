"""Two people editing the same household: the second save is refused, shows what changed, and
overwrites nothing."""

import pytest
from django.urls import reverse

from relogement.households import services
from relogement.households.locking import StaleEdit


def _section_post(client, household, section, data):
    return client.post(
        reverse("households:section", args=[household.pk, section]), data, HTTP_HX_REQUEST="true"
    )


def test_second_concurrent_save_is_refused_with_the_changes(world):
    household = world.household_a
    alice, bob = world.client_for("social_a"), world.client_for("mous")
    # Both open the "dossier" section at version 1.
    for client in (alice, bob):
        form = client.get(reverse("households:section", args=[household.pk, "dossier"])).context["form"]
        assert form.initial["version"] == 1
    first = _section_post(alice, household, "dossier", {"version": 1, "sne_number": "AAA-111"})
    assert first.status_code == 200 and "modifications enregistrées" in first.content.decode()
    second = _section_post(bob, household, "dossier", {"version": 1, "sne_number": "BBB-222"})
    html = second.content.decode()
    assert 'role="alert"' in html
    assert "modifié par une autre personne" in html
    assert "« (vide) » → « AAA-111 »" in html  # what changed in between, and by whom
    assert str(world.users["social_a"]) in html
    household.refresh_from_db()
    assert (household.sne_number, household.version) == ("AAA-111", 2)


def test_stale_member_edit_is_refused(world):
    household = world.household_a
    actor = world.users["social_a"]
    member = services.member_add(
        household=household, first_name="A", last_name="B", relation="conjoint", actor=actor
    )
    services.household_update(
        household=household, changes={"has_pets": True}, actor=world.users["mous"], expected_version=2
    )
    with pytest.raises(StaleEdit) as error:
        services.member_update(member=member, actor=actor, expected_version=2, first_name="Z")
    assert "animaux : « non » → « oui »" in error.value.message
    member.refresh_from_db()
    assert member.first_name == "A"


def test_child_changes_are_named_in_the_message(world):
    household = world.household_a
    actor = world.users["social_a"]
    services.member_add(
        household=household, first_name="Léa", last_name="Roux", relation="conjoint", actor=actor
    )
    with pytest.raises(StaleEdit, match="Membre ajouté : Léa Roux"):
        services.household_update(
            household=household, changes={"has_pets": True}, actor=actor, expected_version=1
        )


def test_a_save_on_the_current_version_goes_through(world):
    household = world.household_a
    services.household_update(
        household=household, changes={"large_family": True}, actor=None, expected_version=1
    )
    services.household_update(household=household, changes={"has_pets": True}, actor=None, expected_version=2)
    household.refresh_from_db()
    assert household.large_family and household.has_pets and household.version == 3
