"""The information notice: a French PDF filled with the controller, purposes, recipients (the
organisations that reach this household, by role, as the scope decides), retention and rights; printed
from the household file by those who keep it, and by the DPO."""

from django.urls import reverse

from relogement.accounts.models import OrganisationKind
from relogement.audit.models import FileRead
from relogement.dataprotection.controller import data_controller_set
from relogement.dataprotection.notice import notice_for
from relogement.dataprotection.recipients import ROLE_LABELS, organisations_reaching
from relogement.households.models import Household
from tests.dataprotection.conftest import dpo_client
from tests.dataprotection.pdftext import pdf_text


def test_the_file_links_to_the_notice_for_those_who_keep_it(world):
    url = reverse("dataprotection:notice", args=[world.household_a.pk])
    for persona in ("mous", "social_a"):
        page = world.client_for(persona).get(reverse("households:detail", args=[world.household_a.pk]))
        assert url in page.content.decode(), persona
    for persona in ("commune", "landlord", "metropolis"):
        page = world.client_for(persona).get(reverse("households:detail", args=[world.household_a.pk]))
        assert url not in page.content.decode(), persona
        assert world.client_for(persona).get(url).status_code == 404


def test_printing_the_notice_is_a_logged_read(world):
    response = world.client_for("mous").get(reverse("dataprotection:notice", args=[world.household_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert FileRead.objects.filter(
        household=world.household_a, user=world.users["mous"], what="notice d'information"
    ).exists()
    dpo_client(world).get(reverse("dataprotection:notice", args=[world.household_a.pk]))
    assert FileRead.objects.filter(
        household=world.household_a, user=world.users["admin"], what="RGPD : notice d'information"
    ).exists()


def test_recipients_are_the_organisations_the_scope_lets_reach_the_household(world):
    reached = {name for _, names in organisations_reaching(world.household_a) for name in names}
    for key, org in world.orgs.items():
        if org.kind == OrganisationKind.ADMIN:
            continue
        user = world.users.get(key)
        if user is None:
            continue
        user.active_organisation = org
        sees = Household.objects.visible_to(user).filter(pk=world.household_a.pk).exists()
        assert (org.name in reached) == sees, key
    assert reached == {"Prestataire A", "MOUS Concorde", "Ville de Lille", "Bailleur Nord", "GIP Métropole"}


def test_the_notice_says_who_why_to_whom_how_long_and_the_rights(world):
    text = pdf_text("dataprotection/pdf/notice.html", {"notice": notice_for(world.household_a)})
    for expected in (
        "Notice d'information sur vos données personnelles",
        "Famille Martin",
        "CONC-001",
        "GIP Métropole et Ville de Lille (responsables conjoints)",
        "Responsable de traitement non renseigné",
        ROLE_LABELS[OrganisationKind.SOCIAL_PROVIDER],
        "Prestataire A",
        "MOUS Concorde",
        "Bailleur Nord",
        "2 ans après le dernier contact",
        "Droit d'accès",
        "Droit de rectification",
        "Droit à l'effacement",
        "Droit à la limitation",
        "Droit d'opposition",
        "CNIL",
        "Santé (donnée sensible, art. 9 RGPD)",
    ):
        assert expected in text, expected
    for absent in ("Prestataire B", "MOUS Alma", "Bailleur Sud"):
        assert absent not in text


def test_the_configured_controller_is_printed(world):
    admin = world.users["admin"]
    data_controller_set(
        project=None,
        name="Métropole Européenne de Lille",
        address="2 bd des Cités Unies",
        dpo_contact="dpo@mel.fr",
        actor=admin,
    )
    text = pdf_text("dataprotection/pdf/notice.html", {"notice": notice_for(world.household_a)})
    assert "Métropole Européenne de Lille" in text and "dpo@mel.fr" in text
    assert "non renseigné" not in text
    data_controller_set(
        project=world.project,
        name="Ville de Lille",
        address="Place Augustin Laurent",
        dpo_contact="dpo@lille.fr",
        actor=admin,
    )
    notice = notice_for(world.household_a)
    assert (notice.controller.name, notice.controller.scope) == ("Ville de Lille", "projet")
    assert notice_for(world.household_other).controller.name == "Métropole Européenne de Lille"
