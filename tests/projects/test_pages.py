"""Project structure pages: content is scoped, names follow the predicates, query counts are constant."""

import pytest
from django.urls import reverse

from relogement.households.statuses import HouseholdStatus
from relogement.indicators.freshness import refresh
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(world, n=30):
    """Many more rows in the world's perimeter, to show that query counts do not depend on them."""
    for i in range(n):
        building = factories.BuildingFactory(
            operation__project=world.project,
            landlord=world.orgs["landlord"],
            commune=world.commune,
            reference=f"EXTRA-{i}",
        )
        factories.OriginDwellingFactory(building=building)
        factories.HouseholdFactory(building=building, social_provider=world.orgs["social_a"])
        factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], status=HouseholdStatus.REHOUSED
        )
        project = factories.ProjectFactory(commune=world.commune)
        world.orgs["mous"].projects.add(project)


def test_home_counts_households_per_reporting_status(world):
    factories.HouseholdFactory(
        building=world.building, social_provider=world.orgs["social_a"], status=HouseholdStatus.CLOSED
    )
    response = world.client_for("social_a").get(reverse("home"))
    content = response.content.decode()
    assert "Lille-Concorde" in content and "Roubaix Alma" not in content
    projects = response.context["projects"]
    # household_a + the closed one (counted as rehoused); provider B's household is not counted.
    assert projects[0].status_counts.total == 2
    assert projects[0].status_counts.rehoused == 1


def test_home_of_provider_b_does_not_count_provider_a(world):
    response = world.client_for("social_b").get(reverse("home"))
    totals = {p.name: p.status_counts.total for p in response.context["projects"]}
    assert totals == {"Lille-Concorde": 1, "Roubaix Alma": 1}


def test_home_without_organisation(db):
    user = factories.UserFactory()
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert "aucune organisation" in response.content.decode()


def test_home_for_admin_links_to_admin(world):
    world.users["admin"].is_staff = True
    world.users["admin"].save()
    response = world.client_for("admin").get(reverse("home"))
    assert reverse("admin:index") in response.content.decode()


def test_project_list_filters(world):
    client = world.client_for("metropolis")
    response = client.get(reverse("project_list"), {"q": "alma"})
    assert [p.name for p in response.context["page"]] == ["Roubaix Alma"]
    response = client.get(reverse("project_list"), {"commune": world.commune.pk})
    assert [p.name for p in response.context["page"]] == ["Lille-Concorde"]
    response = client.get(reverse("project_list"), {"commune": "pas-un-nombre"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 2


def test_project_list_is_scoped(world):
    response = world.client_for("outsider").get(reverse("project_list"))
    assert [p.name for p in response.context["page"]] == ["Roubaix Alma"]
    response = world.client_for("admin").get(reverse("project_list"))
    assert response.context["page"].paginator.count == 0


def test_project_detail_lists_operations_and_buildings(world):
    response = world.client_for("mous").get(reverse("project_detail", args=[world.project.pk]))
    content = response.content.decode()
    assert "BAT-A" in content and "30/06/2027" in content
    assert response.context["totals"].total == 2


def test_building_list_filters_and_scope(world):
    client = world.client_for("metropolis")
    response = client.get(reverse("building_list"), {"bailleur": world.orgs["other_landlord"].pk})
    assert [b.reference for b in response.context["page"]] == ["BAT-Z"]
    response = client.get(reverse("building_list"), {"projet": world.project.pk})
    assert [b.reference for b in response.context["page"]] == ["BAT-A"]
    response = client.get(reverse("building_list"), {"commune": world.other_commune.pk})
    assert [b.reference for b in response.context["page"]] == ["BAT-Z"]
    response = world.client_for("landlord").get(reverse("building_list"))
    assert [b.reference for b in response.context["page"]] == ["BAT-A"]


def test_building_detail_names_or_pseudonyms(world):
    url = reverse("building_detail", args=[world.building.pk])
    content = world.client_for("commune").get(url).content.decode()
    assert "Famille Martin" in content and "Famille Durand" in content
    content = world.client_for("metropolis").get(url).content.decode()
    assert "Famille Martin" not in content
    assert world.household_a.pseudonym in content


def test_building_detail_provider_sees_only_its_households(world):
    url = reverse("building_detail", args=[world.building.pk])
    content = world.client_for("social_b").get(url).content.decode()
    assert "Famille Durand" in content
    assert "Famille Martin" not in content and "CONC-001" not in content


@pytest.mark.parametrize(
    ("url_name", "persona", "max_queries"),
    [
        # Its work queue (issue 18 §2, alerts.rules.work_queue): the proposals per stage (counts, then
        # the first rows of each), the alert settings, the legal deadlines, the stalled proposals, the
        # buildings at risk (issue 14 §6), the split-off households; the legal deadlines cost two (the
        # projects' distinct delays, then the trigger proposals); tests/projects/test_work_queue.py
        # checks every role at two data sizes with proposals in every stage.
        ("home", "mous", 20),
        # Its overdue steps and follow-ups to do, with their totals; the received requests' panel: one.
        ("home", "social_a", 17),
        ("project_list", "mous", 12),
        ("building_list", "metropolis", 14),
        ("building_list", "social_a", 14),
    ],
)
def test_list_query_counts_do_not_grow(world, django_assert_max_num_queries, url_name, persona, max_queries):
    client = world.client_for(persona)
    client.get(reverse(url_name))  # warm the session
    _grow(world)
    refresh()  # the indicators facts are recomputed once per change (the home page's risk reads them)
    with django_assert_max_num_queries(max_queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_detail_query_counts_do_not_grow(world, django_assert_num_queries):
    client = world.client_for("mous")
    urls = [
        reverse("project_detail", args=[world.project.pk]),
        reverse("building_detail", args=[world.building.pk]),
    ]
    for url in urls:
        client.get(url)
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for grow in (False, True):
        if grow:
            _grow(world)
            refresh()
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]


SECRET = '<span class="secret" title="secret statistique">&lt; 5'


@pytest.mark.parametrize(
    "page",
    ["home", "project_list", "project_detail", "building_list", "building_detail", "matching:risk"],
)
def test_metropolis_reads_small_counts_as_secret_statistique(world, page):
    """Every count of households shown to the metropolis (no named data) goes through the dashboards'
    rule: building A's two households read "< 5"; the project office (named data) reads "2"."""
    kwargs = {"pk": world.project.pk} if page == "project_detail" else {}
    kwargs = {"pk": world.building.pk} if page == "building_detail" else kwargs
    url = reverse(page, kwargs=kwargs)
    metropolis = world.client_for("metropolis").get(url).content.decode()
    mous = world.client_for("mous").get(url).content.decode()
    assert SECRET in metropolis
    assert SECRET not in mous
    if page == "building_detail":
        assert f"dans votre périmètre ({SECRET}" in metropolis
        assert "dans votre périmètre (2)" in mous
