"""The household list at a fraction of its cost (issue 19, point 1): filter choices and counts by status
computed once per organisation, filters and data version, never served for older data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from tests import factories

LIST = reverse("households:list")


def _bulk(world, count: int, prefix: str) -> None:
    Household.objects.bulk_create(
        [
            factories.HouseholdFactory.build(
                building=world.building,
                project=world.project,
                social_provider=world.orgs["social_a"],
                referent=world.users["social_a"],
                reference=f"{prefix}-{i:04d}",
                status=HouseholdStatus.SEARCHING if i % 2 else HouseholdStatus.TO_DIAGNOSE,
            )
            for i in range(count)
        ]
    )


def _perimeter_scans(queries) -> list[str]:
    """The queries the cache saves: counts by status and the filter choices (communes, referents…)."""
    sqls = [q["sql"] for q in queries.captured_queries]
    counts = [s for s in sqls if s.startswith('SELECT "households_household"."status" AS "status", COUNT(')]
    choices = [s for s in sqls if 'FROM "territory_commune"' in s and "MAX(" not in s]  # not the version
    return counts + choices


@pytest.mark.parametrize("persona", ["mous", "metropolis", "social_a", "landlord", "commune"])
def test_list_queries_are_constant_and_skip_the_perimeter_once_cached(world, persona, cache_on):
    client = world.client_for(persona)
    with CaptureQueriesContext(connection) as first:
        client.get(LIST)
    assert len(_perimeter_scans(first)) == 2  # what the test looks for is there when not cached
    _bulk(world, 5, "S")
    client.get(LIST)  # computes and caches the choices and counts
    with CaptureQueriesContext(connection) as small:
        response = client.get(LIST + "?page=1")
    assert response.status_code == 200
    assert _perimeter_scans(small) == []
    _bulk(world, 45, "L")
    client.get(LIST)  # new data: computed again, once
    with CaptureQueriesContext(connection) as large:
        response = client.get(LIST + "?page=1")
    assert _perimeter_scans(large) == []
    assert len(large.captured_queries) == len(small.captured_queries)
    if persona != "commune":  # the commune does not see the other project's household either way
        assert response.context["page"].paginator.count >= 50


def _counts(client, query=""):
    response = client.get(LIST + query)
    return response.context["page"].paginator.count, {
        c["status"]: c["count"] for c in response.context["counts"]
    }


def test_counts_and_choices_follow_every_write_at_once(world, cache_on):
    client = world.client_for("mous")
    assert _counts(client) == (2, {"to_diagnose": 2})
    # A new household (save(): history row and trigger).
    factories.HouseholdFactory(building=world.building, reference="NEW-1", status=HouseholdStatus.SEARCHING)
    assert _counts(client) == (3, {"to_diagnose": 2, "searching": 1})
    assert _counts(client, "?status=searching") == (1, {"searching": 1})
    # A status change that bypasses save() and the history: only the triggers see it.
    Household.objects.filter(pk=world.household_a.pk).update(status=HouseholdStatus.SEARCHING)
    assert _counts(client) == (3, {"to_diagnose": 1, "searching": 2})
    assert _counts(client, "?status=searching") == (2, {"searching": 2})
    # Out of the perimeter (another project), again without save().
    Household.objects.filter(reference="NEW-1").update(
        project=world.other_project, building=world.other_building
    )
    assert _counts(client) == (2, {"to_diagnose": 1, "searching": 1})
    # A household in a new building of the perimeter: the building is offered at once.
    building = factories.BuildingFactory(
        operation__project=world.project, reference="BAT-NEUF", commune=world.commune
    )
    response = client.get(LIST)
    assert "BAT-NEUF" not in dict(response.context["form"].fields["building"].choices).values()
    Household.objects.bulk_create(
        [factories.HouseholdFactory.build(building=building, project=world.project)]
    )
    response = client.get(LIST)
    assert "BAT-NEUF" in dict(response.context["form"].fields["building"].choices).values()


def test_cached_figures_stay_within_each_perimeter(world, cache_on):
    """Two organisations, the same data version: each its own figures."""
    assert _counts(world.client_for("metropolis"))[0] == 3
    assert _counts(world.client_for("social_b"))[0] == 2
    assert _counts(world.client_for("social_a"))[0] == 1
    response = world.client_for("social_b").get(LIST + "?q=Martin")
    assert response.context["page"].paginator.count == 0


def test_filter_options_written_once_keep_the_selected_option_of_each_request():
    """The options of a perimeter's selects are written once per process; each request still marks its
    own choice selected, and only that one."""
    from relogement.households.forms import ListSelect, _options_html

    _options_html.cache_clear()
    widget = ListSelect(choices=[("", "Tous"), (1, "Bât. A <1>"), (2, "Bât. B"), (12, "Bât. C")])
    first = widget.render("building", "2")
    again = widget.render("building", "1")
    none = widget.render("building", None)
    assert _options_html.cache_info().hits == 2
    assert '<option value="2" selected>Bât. B</option>' in first
    assert first.count(" selected") == 1
    assert '<option value="1" selected>Bât. A &lt;1&gt;</option>' in again
    assert again.count(" selected") == 1 and '<option value="12">' in again
    assert '<option value="" selected>Tous</option>' in none and none.count(" selected") == 1


def test_filter_form_rendered_once_per_query_and_data_version(world, cache_on):
    """The filter form's HTML is kept per organisation, data version and query (the page aside): the
    next pages do not render it again, another query or new data do, and the selected values are those
    of the query."""
    client = world.client_for("mous")
    first = client.get(LIST + "?status=searching")
    assert "households/_list_filters.html" in [t.name for t in first.templates]
    assert '<option value="searching" selected>' in first.content.decode()
    again = client.get(LIST + "?status=searching&page=2")
    assert "households/_list_filters.html" not in [t.name for t in again.templates]
    assert '<option value="searching" selected>' in again.content.decode()
    other = client.get(LIST + "?status=to_diagnose")
    assert "households/_list_filters.html" in [t.name for t in other.templates]
    assert '<option value="to_diagnose" selected>' in other.content.decode()
    # A new building with a household of the perimeter: new data, the building is offered at once.
    building = factories.BuildingFactory(project=world.project, reference="BAT-NOUVEAU")
    factories.HouseholdFactory(building=building, project=world.project, reference="NEW-BAT")
    html = client.get(LIST + "?status=searching&page=2").content.decode()
    assert "BAT-NOUVEAU" in html.split('id="list-filters"')[1].split("</form>")[0]
