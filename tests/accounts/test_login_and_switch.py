"""Login (public, French error), default deny, and the organisation switcher (memberships only)."""

import pytest
from django.test import Client
from django.urls import reverse

from relogement.accounts.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_pages_require_login(world):
    response = Client().get(reverse("project_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_wrong_password_is_announced_in_french(world):
    response = Client().post(reverse("login"), {"username": "mous", "password": "faux"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_login_then_home(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "mous", "password": "demo-relogement"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_switch_between_memberships(world):
    user = world.users["mous"]
    user.memberships.create(organisation=world.orgs["outsider"])
    client = world.client_for("mous")
    assert client.get(reverse("project_detail", args=[world.other_project.pk])).status_code == 404
    response = client.post(reverse("switch_organisation"), {"organisation": world.orgs["outsider"].pk})
    assert response.status_code == 302 and client.session[SESSION_KEY] == world.orgs["outsider"].pk
    assert client.get(reverse("project_detail", args=[world.other_project.pk])).status_code == 200
    assert client.get(reverse("project_detail", args=[world.project.pk])).status_code == 404
    content = client.get(reverse("home")).content.decode()
    assert "Agir pour" in content


def test_cannot_switch_to_a_foreign_organisation(world):
    client = world.client_for("social_a")
    response = client.post(reverse("switch_organisation"), {"organisation": world.orgs["social_b"].pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_ignores_an_outside_next_url(world):
    client = world.client_for("mous")
    response = client.post(
        reverse("switch_organisation"),
        {"organisation": world.orgs["mous"].pk, "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")
