"""The Content-Security-Policy header is sent on every page, the Django admin included, and the admin
pages work under it (no inline script)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from relogement.core.middleware import ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db

POLICY = ContentSecurityPolicyMiddleware.POLICY
# A <script> element that the browser would run inline: neither loaded from a file nor plain data.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
def superuser_client(world):
    user = world.users["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def assert_strict(response):
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html)


def test_admin_login_page_has_the_policy():
    assert_strict(Client().get(reverse("admin:login")))


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("admin:index"),
        lambda w: reverse("admin:accounts_user_changelist"),
        lambda w: reverse("admin:accounts_organisation_change", args=[w.orgs["mous"].pk]),
        lambda w: reverse("admin:projects_building_change", args=[w.building.pk]),
        lambda w: reverse("admin:projects_project_history", args=[w.project.pk]),
        lambda w: reverse("admin:offers_housingoffer_add"),
    ],
)
def test_admin_pages_have_the_policy_and_no_inline_script(superuser_client, world, url):
    assert_strict(superuser_client.get(url(world)))


def test_application_pages_keep_the_policy(world):
    assert_strict(world.client_for("mous").get(reverse("home")))
    assert_strict(Client().get(reverse("login")))
