"""The household list: scope, filters, search, sort, pagination, counts, exports, bulk referent."""

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.households.models import Household, NextStep
from relogement.households.statuses import HouseholdStatus
from tests import factories

LIST = reverse("households:list")


def _refs(response):
    return [row["household"].reference for row in response.context["rows"]]


def test_provider_b_never_sees_household_a(world):
    client = world.client_for("social_b")
    for query in ("", "?q=CONC-001", "?q=Martin", f"?q={world.household_a.pseudonym}"):
        response = client.get(LIST + query)
        assert "CONC-001" not in _refs(response)
        assert "Famille Martin" not in response.content.decode()
    response = client.get(LIST)
    assert response.context["page"].paginator.count == 2  # its two households only
    for fmt in ("csv", "xlsx"):
        content = client.get(reverse("households:export", args=[fmt]) + "?q=Martin").getvalue()
        assert b"CONC-001" not in content


def test_search_by_reference_and_name(world, rich):
    client = world.client_for("social_a")
    assert _refs(client.get(LIST + "?q=conc-001")) == ["CONC-001"]
    assert _refs(client.get(LIST + "?q=Nadia")) == ["CONC-001"]  # a member's first name
    mous = world.client_for("mous")
    assert _refs(mous.get(LIST + "?q=Durand")) == ["CONC-002"]


def test_metropolis_cannot_search_by_name_and_sees_pseudonyms(world):
    client = world.client_for("metropolis")
    assert _refs(client.get(LIST + "?q=Martin")) == []
    response = client.get(LIST + f"?q={world.household_a.pseudonym}")
    assert _refs(response) == ["CONC-001"]
    html = response.content.decode()
    assert world.household_a.pseudonym in html and "Famille Martin" not in html
    assert "Pseudonyme" in [c.label for c in response.context["columns"]]


def test_filters(world):
    world.household_b.reduced_mobility = True
    world.household_b.status = HouseholdStatus.SEARCHING
    world.household_b.referent = world.users["social_b"]
    world.household_b.save()
    NextStep.objects.create(household=world.household_a, title="Relance", due_date=dt.date(2025, 1, 1))
    client = world.client_for("mous")
    assert sorted(_refs(client.get(LIST))) == ["CONC-001", "CONC-002"]
    assert _refs(client.get(LIST + "?status=searching")) == ["CONC-002"]
    assert _refs(client.get(LIST + "?needs=pmr")) == ["CONC-002"]
    assert _refs(client.get(LIST + f"?referent={world.users['social_b'].pk}")) == ["CONC-002"]
    assert _refs(client.get(LIST + "?overdue=on")) == ["CONC-001"]
    assert _refs(client.get(LIST + f"?project={world.project.pk}&building={world.building.pk}")) == [
        "CONC-001",
        "CONC-002",
    ]
    assert _refs(client.get(LIST + f"?commune={world.commune.pk}")) == ["CONC-001", "CONC-002"]
    metropolis = world.client_for("metropolis")
    assert _refs(metropolis.get(LIST + f"?commune={world.other_commune.pk}")) == ["ALMA-001"]


def test_sort_and_counts(world):
    client = world.client_for("metropolis")
    assert _refs(client.get(LIST + "?sort=-reference")) == ["CONC-002", "CONC-001", "ALMA-001"]
    response = client.get(LIST)
    assert response.context["counts"] == [{"status": "to_diagnose", "label": "À diagnostiquer", "count": 3}]
    # Sorting by name is not offered where names are hidden.
    assert "name" not in dict(response.context["form"].fields["sort"].choices)


def test_pagination(world):
    for i in range(55):
        factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], reference=f"P{i:03d}"
        )
    client = world.client_for("social_a")
    first = client.get(LIST)
    assert len(first.context["rows"]) == 50
    second = client.get(LIST + "?page=2")
    assert len(second.context["rows"]) == 6
    assert second.context["page"].paginator.count == 56


def _make(world, n):
    for _ in range(n):
        h = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], referent=world.users["social_a"]
        )
        NextStep.objects.create(household=h, title="Relance", due_date=dt.date(2025, 1, 1))


@pytest.mark.parametrize("persona", ["social_a", "metropolis", "mous"])
def test_list_queries_do_not_grow_with_households(world, persona, django_assert_max_num_queries):
    client = world.client_for(persona)
    _make(world, 3)
    client.get(LIST)  # warm-up (session, content types)
    # 16: the page's queries, the user's saved filters and the one insert of the read log (the names
    # it shows); 17 for the project office, whose planned committees (bulk « Inscrire à l'ordre du
    # jour ») are one more query.
    with django_assert_max_num_queries(17 if persona == "mous" else 16) as small:
        client.get(LIST + "?sort=overdue")
    _make(world, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST + "?sort=overdue")
    assert response.context["page"].paginator.count >= 43


def test_overdue_sort_counts_only_open_past_steps(world):
    """The overdue column and sort count open steps past their due date only (done or future: not)."""
    today = dt.date.today()
    a, b = world.household_a, world.household_b
    for due in (today - dt.timedelta(days=3), today - dt.timedelta(days=1)):
        NextStep.objects.create(household=b, title="Relance", due_date=due)
    NextStep.objects.create(household=a, title="Relance", due_date=today - dt.timedelta(days=2))
    NextStep.objects.create(
        household=a, title="Faite", due_date=dt.date(2025, 1, 1), done_on=dt.date(2025, 1, 2)
    )
    NextStep.objects.create(household=a, title="Demain", due_date=today + dt.timedelta(days=1))
    NextStep.objects.create(household=a, title="Aujourd'hui", due_date=today)
    client = world.client_for("mous")
    response = client.get(LIST + "?sort=overdue")
    assert _refs(response) == ["CONC-002", "CONC-001"]
    assert [row["household"].overdue_steps for row in response.context["rows"]] == [2, 1]
    assert response.context["page"].paginator.count == 2
    assert _refs(client.get(LIST + "?overdue=on&sort=-reference")) == ["CONC-002", "CONC-001"]


def test_overdue_filter_queries_do_not_grow_with_households(world, django_assert_max_num_queries):
    client = world.client_for("social_a")
    _make(world, 3)
    client.get(LIST)
    with django_assert_max_num_queries(16) as small:  # with saved filters and the read log's insert
        client.get(LIST + "?overdue=on&sort=overdue")
    _make(world, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST + "?overdue=on&sort=overdue&page=2")
    assert response.context["page"].paginator.count == 63
    assert len(response.context["rows"]) == 13


def test_csv_export_has_the_screen_columns_and_logs_reads(world, rich):
    client = world.client_for("social_a")
    response = client.get(reverse("households:export", args=["csv"]) + "?q=CONC")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    screen = client.get(LIST + "?q=CONC")
    assert rows[0] == [c.label for c in screen.context["columns"]]
    assert rows[1][0] == "CONC-001" and rows[1][1] == "Famille Martin"
    assert "1650,00" in rows[1]
    assert FileRead.objects.filter(
        household=world.household_a, user=world.users["social_a"], what="export csv"
    ).exists()


def test_xlsx_export_is_pseudonymised_for_metropolis_and_not_logged(world):
    response = world.client_for("metropolis").get(reverse("households:export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.values)
    assert values[0][1] == "Pseudonyme"
    pseudonyms = {row[1] for row in values[1:]}
    assert world.household_a.pseudonym in pseudonyms
    assert not any("Famille" in str(cell) for row in values for cell in row)
    assert FileRead.objects.count() == 0  # no named data read


def test_unknown_export_format_is_404(world):
    assert world.client_for("mous").get(reverse("households:export", args=["pdf"])).status_code == 404


def test_bulk_referent_assignment(world):
    second = factories.UserFactory(username="social_a2", organisations=[world.orgs["social_a"]])
    other_a = factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
    client = world.client_for("social_a")
    response = client.post(
        reverse("households:assign_referent"),
        {"households": [world.household_a.pk, other_a.pk], "referent": second.pk},
    )
    assert response.status_code == 302
    assert set(Household.objects.filter(referent=second).values_list("pk", flat=True)) == {
        world.household_a.pk,
        other_a.pk,
    }
    record = world.household_a.history.latest()
    assert record.history_change_reason.startswith("Référent")


def test_bulk_referent_refuses_a_worker_of_another_provider(world):
    client = world.client_for("social_a")
    response = client.post(
        reverse("households:assign_referent"),
        {"households": [world.household_a.pk], "referent": world.users["social_b"].pk},
        follow=True,
    )
    assert "Choisissez un travailleur social de votre organisation" in response.content.decode()
    world.household_a.refresh_from_db()
    assert world.household_a.referent is None


def test_bulk_referent_with_a_household_of_another_provider_is_404(world):
    client = world.client_for("social_a")
    response = client.post(
        reverse("households:assign_referent"),
        {"households": [world.household_a.pk, world.household_b.pk], "referent": world.users["social_a"].pk},
    )
    assert response.status_code == 404
    world.household_a.refresh_from_db()
    assert world.household_a.referent is None


def _status_line(response) -> str:
    """The list's count line (total and counts by status), markup stripped."""
    html = response.content.decode()
    line = re.search(r'<p class="mb-0" role="status">(.*?)</p>', html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", line).replace("&lt;", "<")


def test_metropolis_list_hides_small_counts_as_its_dashboard_does(world):
    """Secret statistique: the metropolis (no named data) reads "< 5" for a building whose three
    households share a status, never "3"; the project office (named data) reads the exact counts."""
    factories.HouseholdFactory(building=world.building, social_provider=world.orgs["social_a"])
    query = f"?building={world.building.pk}"
    metropolis = _status_line(world.client_for("metropolis").get(LIST + query))
    assert "3" not in metropolis
    hidden = "< 5 (secret statistique)"
    assert " ".join(metropolis.split()) == f"{hidden} ménage(s) : À diagnostiquer {hidden}"
    mous = _status_line(world.client_for("mous").get(LIST + query))
    assert " ".join(mous.split()) == "3 ménage(s) : À diagnostiquer 3"
