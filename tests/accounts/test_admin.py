"""The Django admin works for administrators on the configuration models; others are sent to login.

The admin is for configuration only (docs/personal-data.md §2): no household data is registered in it,
so it neither shows social notes, health notes or names without a logged read, nor deletes a transition
log (issue 12, point 5).
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from relogement.audit.models import FileRead
from relogement.exchange.models import ImportJob
from relogement.followup.models import FollowUp
from relogement.households.models import HouseholdStatusChange, SocialDiagnosis, SupportLogEntry
from relogement.offers.models import Proposal, ProposalTransition
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


# What the admin may show: configuration and the (read-only) read log, which holds references only.
CONFIGURATION = {
    "accounts.Organisation",
    "accounts.User",
    "alerts.ProjectAlertSettings",
    "auth.Group",
    "audit.FileRead",
    "exchange.ImportJob",
    "grievances.GrievancePolicy",
    "offers.HousingOffer",
    "offers.RefusalReason",
    "projects.Building",
    "projects.Operation",
    "projects.Project",
    "territory.Commune",
    "territory.Qpv",
}
# Household data that used to be registered (the probe read them at these addresses).
REMOVED = [
    "households/household",
    "households/socialdiagnosis",
    "households/supportlogentry",
    "households/nextstep",
    "households/wishes",
    "followup/followup",
    "rehousing/rehousing",
    "offers/proposal",
    "offers/proposaltransition",
]
SECRETS = [
    "Famille Martin",
    "SECRET-SANTE",
    "SECRET-CONSTAT",
    "SECRET-JOURNAL",
    "SECRET-SUIVI",
    "SECRET-TRANSITION",
    "SECRET-RAPPORT",
]


@pytest.fixture(params=["superuser", "staff"])
def admin_persona(request, world):
    """The admin persona as a superuser, or as a staff user holding every permission."""
    user = world.users["admin"]
    user.is_staff = True
    user.is_superuser = request.param == "superuser"
    user.save()
    if not user.is_superuser:
        user.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sensitive_file(world):
    """Household A with a health note, social notes, a follow-up, a proposal and both transition logs."""
    h = world.household_a
    h.health_note = "SECRET-SANTE"
    h.save()
    SocialDiagnosis.objects.create(household=h, date=dt.date(2025, 1, 6), findings="SECRET-CONSTAT")
    SupportLogEntry.objects.create(
        household=h, kind="visite", date=dt.date(2025, 1, 7), summary="SECRET-JOURNAL"
    )
    FollowUp.objects.create(
        household=h, months_after=6, due_date=dt.date(2025, 7, 1), works_note="SECRET-SUIVI"
    )
    status_change = HouseholdStatusChange.objects.create(
        household=h,
        to_status="a_diagnostiquer",
        effective_date=dt.date(2025, 1, 2),
        reason="SECRET-TRANSITION",
    )
    proposal = factories.ProposalFactory(household=h, offer__landlord=world.orgs["landlord"])
    transition = ProposalTransition.objects.create(
        proposal=proposal, to_status="positioned", reason="SECRET-TRANSITION"
    )
    FileRead.objects.create(household=h, user=world.users["mous"], organisation=world.orgs["mous"])
    ImportJob.objects.create(
        created_by=world.users["mous"], filename="suivi.csv", report={"errors": [{"value": "SECRET-RAPPORT"}]}
    )
    return h, status_change, proposal, transition


def test_only_configuration_is_registered():
    registered = {model._meta.label for model in apps.get_models() if admin.site.is_registered(model)}
    assert registered == CONFIGURATION


@pytest.mark.parametrize("path", REMOVED)
def test_household_data_are_not_in_the_admin(admin_persona, sensitive_file, path):
    h, status_change, proposal, transition = sensitive_file
    pk = {"offers/proposal": proposal.pk, "offers/proposaltransition": transition.pk}.get(path, h.pk)
    for page in ("", f"{pk}/change/", f"{pk}/history/", f"{pk}/delete/"):
        assert admin_persona.get(f"/admin/{path}/{page}").status_code == 404


def test_no_admin_page_shows_household_notes_or_names(admin_persona, sensitive_file):
    """Every registered changelist, change page and history page, for every row: no secret."""
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            pages.append(reverse(f"{prefix}_change", args=[pk]))
            if isinstance(model_admin, SimpleHistoryAdmin):
                pages.append(reverse(f"{prefix}_history", args=[pk]))
    for page in pages:
        response = admin_persona.get(page)
        assert response.status_code == 200, page
        content = response.content.decode()
        assert [secret for secret in SECRETS if secret in content] == [], page


def test_transition_logs_cannot_be_deleted_through_the_admin(admin_persona, sensitive_file):
    h, status_change, proposal, transition = sensitive_file
    attempts = [
        (f"/admin/offers/proposal/{proposal.pk}/delete/", {"post": "yes"}),
        (f"/admin/offers/proposaltransition/{transition.pk}/delete/", {"post": "yes"}),
        (f"/admin/households/household/{h.pk}/delete/", {"post": "yes"}),
        (
            "/admin/offers/proposal/",
            {"action": "delete_selected", "_selected_action": [proposal.pk], "post": "yes"},
        ),
    ]
    for url, data in attempts:
        assert admin_persona.post(url, data).status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert ProposalTransition.objects.filter(pk=transition.pk).exists()
    assert HouseholdStatusChange.objects.filter(pk=status_change.pk).exists()


def test_no_side_door_cascades_into_the_transition_logs(sensitive_file):
    """The logs are protected at the model level too: deleting a proposal or a household is refused."""
    h, status_change, proposal, transition = sensitive_file
    with pytest.raises(ProtectedError):
        proposal.delete()
    with pytest.raises(ProtectedError):
        h.delete()
    assert ProposalTransition.objects.filter(pk=transition.pk).exists()
    assert HouseholdStatusChange.objects.filter(pk=status_change.pk).exists()


def test_the_admin_names_itself_and_its_sections_in_french(admin_client_):
    html = admin_client_.get(reverse("admin:index")).content.decode()
    assert "Administration de Relogement" in html and "Administration de Django" not in html
    for section in ("Comptes et organisations", "Projets", "Territoire", "Offres et propositions"):
        assert section in html, section
    for english in ("Accounts", "Projects", "Territory", "Offers"):
        assert f">{english}<" not in html, english
