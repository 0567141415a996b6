"""The household page: constant queries, read audit, in-place editing with htmx, overdue steps."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.households.models import NextStep, ProviderReassignment
from relogement.households.selectors import overdue_steps_for
from tests import factories
from tests.households.conftest import fill_household


@pytest.mark.parametrize("persona", ["social_a", "mous", "metropolis", "landlord"])
def test_detail_queries_do_not_grow_with_members_or_entries(world, persona, django_assert_max_num_queries):
    small = fill_household(world.household_a, author=world.users["social_a"], members=2, entries=1, steps=1)
    big = fill_household(
        factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"]),
        author=world.users["social_a"],
        members=12,
        entries=40,
        steps=15,
    )
    client = world.client_for(persona)
    client.get(reverse("households:detail", args=[small.pk]))  # warm-up
    # The sections of the file (documents, duplicates, committees included) each cost a fixed number of
    # queries; what must not happen is the second measure growing with the members and entries.
    with django_assert_max_num_queries(36) as few:
        client.get(reverse("households:detail", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("households:detail", args=[big.pk]))
    assert response.status_code == 200


# The file page's queries per role (issue 19: the page was 27 to 35 queries at 100,000 households).
# Shared by every role: session, user, memberships, the household with its status history, wished
# locations and rehousings (read once for the status section and the offers panel), the read log's
# insert, the menu's two permission reads, the duplicate decisions (read once for the header and the
# section), requests, which of the committee lists to read (one query for three), the proposals (one
# read for the offer count and the open ones). Then only the sections the role sees: members,
# resources, diagnoses, support log, next steps; documents and grievances; the possible duplicates
# for those who keep the file. A split or a change of provider costs its query only when there is one.
FILE_QUERIES = {"metropolis": 15, "commune": 18, "landlord": 17, "mous": 23, "social_a": 23}


@pytest.mark.parametrize("persona", FILE_QUERIES)
def test_detail_query_budget_per_role(world, persona, django_assert_num_queries):
    household = fill_household(
        world.household_a, author=world.users["social_a"], members=2, entries=1, steps=1
    )
    url = reverse("households:detail", args=[household.pk])
    client = world.client_for(persona)
    client.get(url)  # warm-up
    with django_assert_num_queries(FILE_QUERIES[persona]):
        response = client.get(url)
    assert response.status_code == 200


def test_rare_sections_cost_a_query_only_when_present(world, django_assert_num_queries):
    """Splits and provider changes are read only when the household query found some: still shown."""
    household = fill_household(
        world.household_a, author=world.users["social_a"], members=2, entries=1, steps=1
    )
    url = reverse("households:detail", args=[household.pk])
    client = world.client_for("mous")
    client.get(url)
    factories.HouseholdFactory(
        building=world.building,
        social_provider=world.orgs["social_a"],
        split_from=household,
        reference="CONC-001-B",
    )
    ProviderReassignment.objects.create(
        household=household,
        from_provider=world.orgs["social_b"],
        to_provider=world.orgs["social_a"],
        social_file_handed_over=True,
        reason="Secteur redécoupé",
        actor=world.users["mous"],
    )
    with django_assert_num_queries(FILE_QUERIES["mous"] + 2):
        html = client.get(url).content.decode()
    assert "Décohabitation(s)" in html and "CONC-001-B" in html
    assert "Secteur redécoupé" in html and "Aucun changement de prestataire." not in html


def test_every_read_of_a_file_is_logged(world):
    world.client_for("commune").get(reverse("households:detail", args=[world.household_a.pk]))
    world.client_for("metropolis").get(reverse("households:detail", args=[world.household_a.pk]))
    reads = FileRead.objects.filter(household=world.household_a).order_by("pk")
    assert [(r.user.username, r.organisation.name, r.what) for r in reads] == [
        ("commune", "Ville de Lille", "fiche"),
        ("metropolis", "GIP Métropole", "fiche pseudonymisée"),
    ]
    # A 404 is not a read.
    world.client_for("social_b").get(reverse("households:detail", args=[world.household_a.pk]))
    assert reads.count() == 2


def test_in_place_edit_with_htmx(world):
    client = world.client_for("social_a")
    url = reverse("households:section", args=[world.household_a.pk, "logement"])
    form = client.get(url, HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert "<html" not in html and 'hx-post="' + url in html
    response = client.post(
        url,
        {
            "version": 1,
            "origin_dwelling_type": "T4",
            "origin_living_area": "71.5",
            "origin_floor": "3",
            "rent_before": "-10",
            "charges_before": "",
            "apl_before": "",
            "rls_before": "",
            "tenancy_start": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Le loyer ne peut pas être négatif" in response.content.decode()
    world.household_a.refresh_from_db()
    assert world.household_a.origin_dwelling_type == "T3"
    response = client.post(
        url,
        {
            "version": 1,
            "origin_dwelling_type": "T4",
            "origin_living_area": "71.5",
            "origin_floor": "3",
            "rent_before": "430",
            "charges_before": "",
            "apl_before": "",
            "rls_before": "",
            "tenancy_start": "2010-05-01",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Logement d&#x27;origine : modifications enregistrées." in html and "71,5 m²" in html
    world.household_a.refresh_from_db()
    assert world.household_a.origin_dwelling_type == "T4" and world.household_a.tenancy_start == dt.date(
        2010, 5, 1
    )


def test_member_resources_wishes_support_and_steps_through_the_page(world):
    client = world.client_for("social_a")
    pk = world.household_a.pk
    r = client.post(
        reverse("households:member_add", args=[pk]),
        {
            "version": 1,
            "first_name": "Nadia",
            "last_name": "Martin",
            "relation": "reference",
            "birth_date": "1980-02-01",
            "employment": "salarie",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Nadia Martin" in r.content.decode()
    r = client.post(
        reverse("households:member_add", args=[pk]),
        {
            "version": 2,
            "first_name": "Bébé",
            "last_name": "Martin",
            "relation": "enfant",
            "birth_date": "2024-06-01",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "né après la date de recensement" in r.content.decode()
    r = client.post(
        reverse("households:resources", args=[pk]),
        {"version": 2, "amount_salaire": "1500", "amount_rsa": "120"},
        HTTP_HX_REQUEST="true",
    )
    assert "1\u202f620,00" in r.content.decode()
    r = client.post(
        reverse("households:wishes", args=[pk]),
        {
            "version": 3,
            "dwelling_types": ["T3"],
            "commune_1": world.commune.pk,
            "neighbourhood_1": "Moulins",
            "max_residual_rent": "250",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Moulins" in r.content.decode()
    r = client.post(
        reverse("households:support_add", args=[pk]),
        {"kind": "visite", "date": "2025-02-01", "summary": "Visite à domicile"},
        HTTP_HX_REQUEST="true",
    )
    assert "Contact ajouté au journal" in r.content.decode()
    r = client.post(
        reverse("households:step_add", args=[pk]),
        {"title": "Dossier SNE", "due_date": "2025-01-05"},
        HTTP_HX_REQUEST="true",
    )
    assert "En retard" in r.content.decode()
    r = client.post(
        reverse("households:diagnosis_add", args=[pk]),
        {"date": "2025-01-03", "findings": "Isolement", "conclusions": "T3 proche école"},
        HTTP_HX_REQUEST="true",
    )
    assert "T3 proche école" in r.content.decode()


def test_overdue_steps_for_the_social_worker(world):
    worker = world.users["social_a"]
    colleague = factories.UserFactory(organisations=[world.orgs["social_a"]])
    mine = NextStep.objects.create(household=world.household_a, title="Mine", due_date=dt.date(2025, 1, 1))
    NextStep.objects.create(
        household=world.household_a, title="Future", due_date=dt.date.today() + dt.timedelta(days=5)
    )
    NextStep.objects.create(
        household=world.household_a, title="Done", due_date=dt.date(2025, 1, 1), done_on=dt.date(2025, 1, 2)
    )
    NextStep.objects.create(
        household=world.household_a, title="Colleague's", due_date=dt.date(2025, 1, 1), assignee=colleague
    )
    NextStep.objects.create(household=world.household_b, title="Other provider", due_date=dt.date(2025, 1, 1))
    assert overdue_steps_for(worker) == [mine]
    assert [s.title for s in overdue_steps_for(colleague)] == ["Mine", "Colleague's"]
    assert overdue_steps_for(world.users["commune"]) == []
    request = RequestFactory().get("/")
    request.user = worker
    html = Template('{% include "households/_overdue_steps.html" %}').render(Context({"request": request}))
    assert "Étapes en retard" in html and "Mine" in html and "Other provider" not in html
    request.user = world.users["landlord"]
    assert "Étapes en retard" not in Template('{% include "households/_overdue_steps.html" %}').render(
        Context({"request": request})
    )


def test_home_page_lists_overdue_steps_of_the_social_worker(world):
    NextStep.objects.create(
        household=world.household_a, title="Relancer la CAF", due_date=dt.date(2025, 1, 1)
    )
    html = world.client_for("social_a").get(reverse("home")).content.decode()
    assert "Prochaines étapes en retard qui vous reviennent" in html and "Relancer la CAF" in html
    assert "Relancer la CAF" not in world.client_for("social_b").get(reverse("home")).content.decode()


def test_section_edit_without_javascript_redirects_with_a_message(world):
    client = world.client_for("mous")
    url = reverse("households:section", args=[world.household_a.pk, "besoins"])
    page = client.get(url)
    assert "<html" in page.content.decode() and "Besoins spécifiques" in page.content.decode()
    response = client.post(url, {"version": 1, "reduced_mobility": "on", "large_family": "on"}, follow=True)
    assert "Besoins spécifiques : modifications enregistrées." in response.content.decode()
    world.household_a.refresh_from_db()
    assert world.household_a.reduced_mobility and world.household_a.large_family


def test_composition_counts_are_read_only_once_members_exist(world):
    from relogement.households import services

    services.member_add(
        household=world.household_a,
        first_name="A",
        last_name="B",
        relation="reference",
        actor=world.users["social_a"],
    )
    client = world.client_for("social_a")
    url = reverse("households:section", args=[world.household_a.pk, "composition"])
    form = client.get(url).context["form"]
    assert form.fields["adults_count"].disabled and form.fields["children_count"].disabled
    client.post(url, {"version": 2, "reference_name": "Famille B", "adults_count": 5, "children_count": 4})
    world.household_a.refresh_from_db()
    assert world.household_a.reference_name == "Famille B"
    assert (world.household_a.adults_count, world.household_a.children_count) == (1, 0)


def test_unknown_section_is_404(world):
    url = reverse("households:section", args=[world.household_a.pk, "secret"])
    assert world.client_for("social_a").get(url).status_code == 404


def test_stale_member_removal_through_the_page_changes_nothing(world):
    from relogement.households import services

    member = services.member_add(
        household=world.household_a,
        first_name="A",
        last_name="B",
        relation="conjoint",
        actor=world.users["social_a"],
    )
    client = world.client_for("social_a")
    url = reverse("households:member_remove", args=[world.household_a.pk, member.pk])
    response = client.post(url, {"version": 1}, follow=True)
    assert "modifié par une autre personne" in response.content.decode()
    assert world.household_a.members.count() == 1
