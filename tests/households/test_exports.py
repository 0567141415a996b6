"""Household list exports (CSV, XLSX): text that looks like a formula is written as inert text."""

from django.urls import reverse

from relogement.households.models import Household
from tests import factories
from tests.spreadsheets import FORMULA_PAYLOADS, csv_dicts, same_text, xlsx_dicts

# Text columns of the list and where the test puts a payload in them.
NAME, PROJECT, BUILDING, COMMUNE = "Nom", "Projet", "Bâtiment", "Commune"


def _payload_world(world):
    """One household per payload (its name), and payloads in the project, building and commune names
    shown on every row."""
    world.project.name = "@Concorde"
    world.project.save()
    world.building.reference = "-BAT-A"
    world.building.save()
    world.commune.name = "+Lille"
    world.commune.save()
    for i, payload in enumerate(FORMULA_PAYLOADS):
        factories.HouseholdFactory(building=world.building, reference=f"INJ-{i}", reference_name=payload)
    return {f"INJ-{i}": payload for i, payload in enumerate(FORMULA_PAYLOADS)}


def test_csv_export_quotes_formula_like_text(world):
    names = _payload_world(world)
    response = world.client_for("mous").get(reverse("households:export", args=["csv"]))
    rows = {row["Référence"]: row for row in csv_dicts(response.getvalue())}
    for reference, payload in names.items():
        row = rows[reference]
        assert row[NAME] == "'" + payload
        assert row[PROJECT] == "'@Concorde"
        assert row[BUILDING] == "'-BAT-A"
        assert row[COMMUNE] == "'+Lille"
    # Numbers and ordinary text are unchanged.
    assert rows["CONC-001"][NAME] == "Famille Martin"
    assert rows["CONC-001"]["Ressources mensuelles"] == "1650,00"


def test_xlsx_export_writes_formula_like_text_as_string_cells(world):
    names = _payload_world(world)
    response = world.client_for("mous").get(reverse("households:export", args=["xlsx"]))
    rows = {row["Référence"].value: row for row in xlsx_dicts(response.getvalue())}
    for reference, payload in names.items():
        row = rows[reference]
        for column, text in (
            (NAME, payload),
            (PROJECT, "@Concorde"),
            (BUILDING, "-BAT-A"),
            (COMMUNE, "+Lille"),
        ):
            cell = row[column]
            assert cell.data_type == "s", (column, cell.value)  # a formula cell would be "f"
            assert same_text(cell.value, text)
    assert row["Adultes"].data_type == "n"


def test_pseudonymised_export_quotes_text_too(world):
    _payload_world(world)
    Household.objects.filter(reference="INJ-0").update(pseudonym="=M-PSEUDO")
    response = world.client_for("metropolis").get(reverse("households:export", args=["csv"]))
    rows = {row["Référence"]: row for row in csv_dicts(response.getvalue())}
    assert rows["INJ-0"]["Pseudonyme"] == "'=M-PSEUDO"
