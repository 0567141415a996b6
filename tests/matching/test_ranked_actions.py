"""Acting from the decision-support pages: links and "Positionner" on the ranked pages, and the
allocation plan sorted by priority, explained, filtered, exported (XLSX) and adjusted through htmx."""

import datetime as dt
import io
from types import SimpleNamespace

import numpy as np
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relogement.audit.models import FileRead
from relogement.matching import views
from relogement.projects.models import Building
from tests.matching.test_views import estimated_rents, plan_scene, scene  # noqa: F401 (fixtures)


def test_household_offers_link_offers_and_position(world, scene):  # noqa: F811
    household = scene["household"]
    url = reverse("matching:household_offers", kwargs={"pk": household.pk})
    html = world.client_for("mous").get(url).content.decode()
    assert f'href="{reverse("offers:detail", args=[scene["good"].pk])}"' in html
    position = reverse("offers:position", args=[scene["good"].pk]) + f"?household={household.pk}"
    assert f'href="{position}"' in html and ">Positionner</a>" in html
    # The provider positions its household; the commune and the metropolis only read the ranking.
    assert ">Positionner</a>" in world.client_for("social_a").get(url).content.decode()
    for persona in ("commune", "metropolis"):
        html = world.client_for(persona).get(url).content.decode()
        assert f'href="{reverse("offers:detail", args=[scene["good"].pk])}"' in html
        assert ">Positionner</a>" not in html


def test_why_not_offers_positioning_anyway(world, scene):  # noqa: F811
    household = scene["household"]
    url = reverse("matching:household_offers", kwargs={"pk": household.pk})
    html = world.client_for("mous").get(url, {"offre": "OF-LOIN"}).content.decode()
    position = reverse("offers:position", args=[scene["far"].pk]) + f"?household={household.pk}"
    assert f'href="{position}"' in html and "Positionner quand même" in html


def test_offer_households_link_households_and_position(world, scene):  # noqa: F811
    offer = scene["good"]
    url = reverse("matching:offer_households", kwargs={"pk": offer.pk})
    html = world.client_for("mous").get(url).content.decode()
    household = scene["household"]
    assert f'href="{reverse("households:detail", args=[household.pk])}"' in html
    position = reverse("offers:position", args=[offer.pk]) + f"?household={household.pk}"
    assert f'href="{position}"' in html
    assert "Reste à charge" in html
    # The landlord sees the ranking and the households, never positions nor the amounts.
    html = world.client_for("landlord").get(url).content.decode()
    assert f'href="{reverse("households:detail", args=[household.pk])}"' in html
    assert ">Positionner</a>" not in html and "€" not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_offer_households_without_position_on_a_let_offer(world, scene):  # noqa: F811
    url = reverse("matching:offer_households", kwargs={"pk": scene["let"].pk})
    assert ">Positionner</a>" not in world.client_for("mous").get(url).content.decode()


# --- Plan --------------------------------------------------------------------------------------------


def test_plan_pairs_sorted_by_priority_then_suitability():
    data = SimpleNamespace(
        priority=np.array([1.0, 1.9, 1.9]),
        suitability=np.array([[0.9, 0.1, 0.2], [0.3, 0.5, 0.1], [0.2, 0.1, 0.8]]),
        households=[SimpleNamespace(reference=r) for r in ("A", "B", "C")],
    )
    optimal = SimpleNamespace(pairs=[(0, 0), (1, 1), (2, 2)])
    assert views._plan_pairs(data, optimal) == [(2, 2), (1, 1), (0, 0)]


def test_urgency_reads_the_priority():
    assert [views._urgency(p) for p in (1.0, 1.2, 1.6, 2.0)] == [
        "Sans urgence",
        "À prévoir",
        "Urgent",
        "Très urgent",
    ]


@pytest.fixture
def urgent_b(world, plan_scene):  # noqa: F811
    """Household B's building is demolished in a month, household A's in three years."""
    world.building.planned_demolition_date = dt.date.today() + dt.timedelta(days=3 * 365)
    world.building.save()
    soon = Building.objects.create(
        operation=world.building.operation,
        reference="BAT-B",
        address="1 rue Basse",
        commune=world.commune,
        landlord=world.orgs["landlord"],
        dwellings_count=10,
        planned_demolition_date=dt.date.today() + dt.timedelta(days=30),
    )
    world.household_b.building = soon
    world.household_b.save()
    return plan_scene


def test_plan_page_is_sorted_by_priority_and_explained(world, urgent_b):
    html = world.client_for("mous").get(reverse("matching:plan")).content.decode()
    table = html.split("Paires du plan optimal")[1]
    assert table.index("CONC-002") < table.index("CONC-001")
    assert "Très urgent" in table and "Sans urgence" in table
    assert "Comment lire le plan" in html and "priorité × (1 + adéquation)" in html
    assert "Adéquation de l'offre" in html and "Urgence (priorité de 1 à 2)" in html
    assert "Exporter le plan (XLSX)" in html


def test_plan_offer_commune_filter(world, plan_scene):  # noqa: F811
    client = world.client_for("mous")
    html = client.get(reverse("matching:plan"), {"commune_offre": world.other_commune.pk}).content.decode()
    table = html.split("Paires du plan optimal")[1]
    assert "OF-LOIN" in table and "OF-BON" not in table
    assert client.get(reverse("matching:plan"), {"commune_offre": "x"}).status_code == 404


def test_plan_export_is_the_plan_with_the_page_labels(world, urgent_b):
    client = world.client_for("mous")
    page = client.get(reverse("matching:plan")).content.decode()
    before = FileRead.objects.filter(what="export plan d'attribution").count()
    response = client.get(reverse("matching:plan_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Plan d'attribution — Tout mon périmètre")
    assert rows[1][0] == "Rang" and "Adéquation (%)" in rows[1]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    data = [row for row in rows[2:] if row[0] is not None]
    assert [row[1] for row in data] == ["CONC-002 — Famille Durand", "CONC-001 — Famille Martin"]
    assert all(row[5] in page for row in data)  # the offers of the page
    assert isinstance(data[0][2], dt.datetime)  # a real date cell
    logged = FileRead.objects.filter(what="export plan d'attribution")
    assert logged.count() == before + 2
    assert set(logged.values_list("household_id", flat=True)) == {world.household_a.pk, world.household_b.pk}


def test_plan_export_for_the_metropolis_is_pseudonymised_and_not_logged(world, urgent_b):
    response = world.client_for("metropolis").get(reverse("matching:plan_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[1] for row in list(sheet.iter_rows(values_only=True))[2:]]
    world.household_a.refresh_from_db()
    assert world.household_a.pseudonym in labels
    assert not any("Famille" in (label or "") for label in labels)
    assert not FileRead.objects.filter(what="export plan d'attribution").exists()


def test_plan_export_keeps_the_exclusions(world, plan_scene):  # noqa: F811
    client = world.client_for("mous")
    household, good = plan_scene["household"], plan_scene["good"]
    client.post(reverse("matching:plan"), {"action": "exclude", "menage": household.pk, "offre": good.pk})
    sheet = load_workbook(io.BytesIO(client.get(reverse("matching:plan_export")).content)).active
    pairs = {(row[1], row[5]) for row in list(sheet.iter_rows(values_only=True))[2:]}
    assert ("CONC-001 — Famille Martin", "OF-BON") not in pairs


def test_plan_pin_through_htmx_redraws_the_table(world, plan_scene):  # noqa: F811
    client = world.client_for("mous")
    household, far = plan_scene["household"], plan_scene["far"]
    response = client.post(
        reverse("matching:plan"),
        {"action": "pin", "menage": household.pk, "offre": far.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="plan-body">') and "<html" not in html
    assert "Paire épinglée : le plan est recalculé autour d&#x27;elle." in html
    assert "Épinglée" in html and "Désépingler" in html
    assert client.session["matching_plan:tout"] == {"pins": [[household.pk, far.pk]], "exclusions": []}
    response = client.post(
        reverse("matching:plan"), {"action": "pin", "menage": "x", "offre": far.pk}, HTTP_HX_REQUEST="true"
    )
    assert "rien n&#x27;a été modifié" in response.content.decode()
    assert client.session["matching_plan:tout"] == {"pins": [[household.pk, far.pk]], "exclusions": []}


def test_plan_export_never_writes_a_formula(world, plan_scene):  # noqa: F811
    world.household_a.reference_name = '=HYPERLINK("http://x";"clic")'
    world.household_a.save()
    response = world.client_for("mous").get(reverse("matching:plan_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=3) if row[1].value and "HYPERLINK" in row[1].value]
    assert cells and all(cell.data_type == "s" for cell in cells)
