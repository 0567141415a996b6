"""The read log of pages (audit/reads.py, audit/middleware.py): one row per named household a page
shows, in one insert, labelled with the page; never twice; nothing for redirects, files, pseudonymised
pages or code outside a request."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.audit import reads
from relogement.audit.models import FileRead
from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import ProposalStatus
from tests import factories

LIST = reverse("households:list")


def _reads(persona, world):
    return sorted(
        FileRead.objects.filter(user=world.users[persona]).values_list("household__reference", "what")
    )


def test_list_logs_each_household_it_names_in_one_insert(world):
    for i in range(5):
        factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], reference=f"CONC-1{i:02d}"
        )
    client = world.client_for("mous")
    client.get(LIST)  # warm-up: session, content types
    FileRead.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    inserts = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_fileread"')
    ]
    assert len(inserts) == 1
    shown = ["CONC-001", "CONC-002", *(f"CONC-1{i:02d}" for i in range(5))]
    assert _reads("mous", world) == sorted((ref, "liste") for ref in shown)


def test_a_name_search_is_logged_as_such(world):
    world.client_for("commune").get(LIST + "?q=Martin")
    assert _reads("commune", world) == [("CONC-001", "liste (recherche)")]


def test_the_metropolis_pseudonymised_pages_log_nothing_but_the_file(world):
    client = world.client_for("metropolis")
    client.get(LIST)
    client.get(reverse("building_detail", args=[world.building.pk]))
    assert _reads("metropolis", world) == []
    client.get(reverse("households:detail", args=[world.household_a.pk]))
    assert _reads("metropolis", world) == [("CONC-001", "fiche pseudonymisée")]


def test_the_file_page_and_an_export_are_logged_once(world):
    client = world.client_for("social_a")
    client.get(reverse("households:detail", args=[world.household_a.pk]))
    assert _reads("social_a", world) == [("CONC-001", "fiche")]
    client.get(reverse("households:export", args=["csv"]))
    assert _reads("social_a", world) == [("CONC-001", "export csv"), ("CONC-001", "fiche")]


def test_proposal_and_section_form_are_labelled_with_their_page(world):
    world.household_a.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    world.household_a.save(update_fields=["status"])
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    proposal = factories.ProposalFactory(
        household=world.household_a,
        offer=offer,
        status=ProposalStatus.PROPOSED,
        notified_date=dt.date.today(),
    )
    world.client_for("landlord").get(reverse("offers:proposal", args=[proposal.pk]))
    assert _reads("landlord", world) == [("CONC-001", "proposition")]
    section = reverse("households:section", args=[world.household_a.pk, "composition"])
    world.client_for("mous").get(section, HTTP_HX_REQUEST="true")
    assert _reads("mous", world) == [("CONC-001", "fiche (modification)")]


def test_a_redirect_shows_nothing_and_logs_nothing(world):
    member = factories.HouseholdMemberFactory(household=world.household_a)
    url = reverse("households:member_remove", args=[world.household_a.pk, member.pk])
    response = world.client_for("social_a").post(url, {"version": world.household_a.version})
    assert response.status_code == 302
    assert _reads("social_a", world) == []


def test_the_htmx_partial_after_a_change_is_logged(world):
    factories.HouseholdMemberFactory(household=world.household_a)
    member = factories.HouseholdMemberFactory(household=world.household_a)
    url = reverse("households:member_remove", args=[world.household_a.pk, member.pk])
    response = world.client_for("social_a").post(
        url, {"version": world.household_a.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Nommembre" in response.content.decode()
    assert _reads("social_a", world) == [("CONC-001", "fiche (modification)")]


def test_named_fields_note_their_household_only_inside_a_request_and_when_not_empty(world):
    household = Household.objects.get(pk=world.household_a.pk)
    member = factories.HouseholdMemberFactory(household=household)
    assert household.reference_name == "Famille Martin"  # no collector: nothing to note, no error
    with reads.collecting() as shown:
        assert household.adults_count == 2  # not a named field
        household.health_note = ""
        assert household.health_note == ""  # empty: shows nothing of anyone
        assert shown.to_log() == []
        assert member.last_name.startswith("Nommembre")
    assert shown.to_log() == [household.pk]
    with reads.collecting() as shown:
        reads.households_logged([household.pk])
        assert household.reference_name
    assert shown.to_log() == []
