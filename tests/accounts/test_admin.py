"""The Django admin works for administrators on the foundation's models; others are sent to login."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    "accounts_organisation",
    "accounts_user",
    "territory_commune",
    "territory_qpv",
    "projects_project",
    "projects_operation",
    "projects_building",
    "offers_refusalreason",
]


@pytest.fixture
def admin_client_(world):
    user = world.users["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_and_add(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"admin:{model}_add")).status_code == 200


def test_admin_change_pages(admin_client_, world):
    assert (
        admin_client_.get(
            reverse("admin:accounts_user_change", args=[world.users["social_a"].pk])
        ).status_code
        == 200
    )
    assert (
        admin_client_.get(
            reverse("admin:accounts_organisation_change", args=[world.orgs["mous"].pk])
        ).status_code
        == 200
    )
    assert (
        admin_client_.get(reverse("admin:projects_building_change", args=[world.building.pk])).status_code
        == 200
    )
    assert (
        admin_client_.get(reverse("admin:projects_project_history", args=[world.project.pk])).status_code
        == 200
    )


def test_admin_refuses_non_staff(world):
    response = world.client_for("mous").get(reverse("admin:index"))
    assert response.status_code == 302


def test_organisation_can_be_given_projects_in_admin(admin_client_, world):
    org = factories.OrganisationFactory(name="Nouvelle MOUS")
    response = admin_client_.post(
        reverse("admin:accounts_organisation_change", args=[org.pk]),
        {
            "name": "Nouvelle MOUS",
            "kind": "project_office",
            "projects": [world.project.pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert list(org.projects.all()) == [world.project]
