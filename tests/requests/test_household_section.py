"""The household file lists the requests about the household that the reader's organisation sent or
received (issue 15 point 4), and no other; the menu's alert count (issue 15 point 5)."""

import pytest
from django.urls import reverse

from relogement.alerts import rules
from relogement.requests.models import HandoffRequest
from tests.requests.builders import request_for

pytestmark = pytest.mark.django_db


def _file(world, persona, household=None):
    household = household or world.household_a
    return world.client_for(persona).get(reverse("households:detail", kwargs={"pk": household.pk}))


def test_the_file_lists_the_requests_of_the_readers_organisation_only(world):
    request = request_for(world)  # provider A → commune, about household A
    HandoffRequest.objects.create(
        sender_organisation=world.orgs["mous"],
        sender=world.users["mous"],
        recipient=world.orgs["landlord"],
        household=world.household_a,
        subject="Offre T5 recherchée",
        text="Avez-vous un T5 ?",
        due_date=request.due_date,
    )
    for persona in ("social_a", "commune"):
        body = _file(world, persona).content.decode()
        assert "Demandes entre organisations" in body
        assert "Examen en comité" in body and reverse("requests:detail", kwargs={"pk": request.pk}) in body
        assert "Offre T5 recherchée" not in body  # between two other organisations
        assert "En retard" in body
    body = _file(world, "mous").content.decode()
    assert "Offre T5 recherchée" in body and "Examen en comité" not in body
    body = _file(world, "landlord").content.decode()
    assert "Offre T5 recherchée" in body
    # Another household's file does not list them.
    body = _file(world, "social_b", world.household_b).content.decode()
    assert "Examen en comité" not in body and "Aucune demande de votre organisation" in body


def test_the_section_costs_one_query(world, django_assert_max_num_queries):
    from relogement.requests.selectors import about_household

    request_for(world)
    with django_assert_max_num_queries(2):  # the membership (scope), the requests
        rows = about_household(world.users["commune"], world.household_a)
    assert [r.subject for r in rows] == ["Examen en comité"]
    assert rows[0].sender_organisation.name and rows[0].recipient.name


def test_the_menu_loads_the_alert_count(world):
    body = world.client_for("commune").get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("alerts:count")}"' in body
    assert reverse("alerts:count") not in world.client_for("admin").get(reverse("home")).content.decode()
    assert world.client_for("social_b").get(reverse("alerts:count")).content.decode() == ""  # no badge
    before = len(rules.alerts_for(world.users["commune"]))
    request_for(world)  # overdue request received by the commune
    body = world.client_for("commune").get(reverse("alerts:count")).content.decode()
    assert f'data-alert-count="{before + 1}"' in body and "dont 1 en retard" in body
    assert world.client_for("admin").get(reverse("alerts:count")).status_code == 404
