"""Damaged workbooks (issue 12, point 2): a number cell holding "abc", a number or date cell without its
value, an invalid repeat count. Each gives the usual French report, on the command line and on the
import page, never a Python error ("raison technique")."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from relogement.exchange.cells import CellError, parse_cell
from relogement.exchange.columns import MENAGES_COLUMNS
from relogement.exchange.models import ImportJob
from relogement.households.models import Household
from tests.exchange.workbooks import header_row, menage_cells, ods_bytes, ods_row

DAMAGED_CELLS = {
    "nb_adultes": '<table:table-cell office:value-type="float" office:value="abc"><text:p>abc</text:p></table:table-cell>',
    "nb_enfants": '<table:table-cell office:value-type="float"><text:p>1</text:p></table:table-cell>',
    "date_recensement": '<table:table-cell office:value-type="date"><text:p>15/01/2024</text:p></table:table-cell>',
    "date_diagnostic": '<table:table-cell office:value-type="date" office:date-value="2024-02-31"/>',
}
EXPECTED_CELL_ISSUES = [
    "Feuille « menages », ligne 2, colonne « date_recensement », valeur « 15/01/2024 » : "
    "cellule de type date sans date (classeur endommagé : réenregistrez-le avec le tableur)",
    "Feuille « menages », ligne 2, colonne « nb_adultes », valeur « abc » : "
    "cellule de type nombre dont la valeur n'est pas un nombre (classeur endommagé",
    "Feuille « menages », ligne 2, colonne « nb_enfants », valeur « 1 » : cellule de type nombre sans valeur",
    "Feuille « menages », ligne 2, colonne « date_diagnostic », valeur « 2024-02-31 » : "
    "cellule de type date dont la valeur n'est pas une date",
]


def _damaged_cells_file() -> bytes:
    return ods_bytes({"menages": [header_row(), ods_row(menage_cells(**DAMAGED_CELLS))]})


def _damaged_repeat_file(attribute: str, value: str) -> bytes:
    cells = menage_cells()
    if attribute == "rows":
        row = ods_row(cells, f' table:number-rows-repeated="{value}"')
    else:
        cells[1] = cells[1].replace(
            "<table:table-cell ", f'<table:table-cell table:number-columns-repeated="{value}" '
        )
        row = ods_row(cells)
    return ods_bytes({"menages": [header_row(), ods_row(menage_cells()), row]})


REPEATS = [
    ("rows", "abc", "Feuille « menages », ligne 3 : nombre de lignes répétées invalide (« abc »)"),
    ("rows", "-3", "Feuille « menages », ligne 3 : nombre de lignes répétées invalide (« -3 »)"),
    ("rows", "0", "Feuille « menages », ligne 3 : nombre de lignes répétées invalide (« 0 »)"),
    ("columns", "abc", "Feuille « menages », ligne 3 : nombre de colonnes répétées invalide (« abc »)"),
]


def test_damaged_cells_on_the_command_line(world, tmp_path):
    path = tmp_path / "suivi.ods"
    path.write_bytes(_damaged_cells_file())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Import refusé"):
        call_command("import_followup", str(path), stdout=io.StringIO(), stderr=err)
    for expected in EXPECTED_CELL_ISSUES:
        assert expected in err.getvalue()
    assert not Household.objects.filter(reference="IMP-001").exists()


@pytest.mark.parametrize(("attribute", "value", "expected"), REPEATS)
def test_damaged_repeat_on_the_command_line(world, tmp_path, attribute, value, expected):
    path = tmp_path / "suivi.ods"
    path.write_bytes(_damaged_repeat_file(attribute, value))
    with pytest.raises(CommandError) as error:
        call_command("import_followup", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert expected in str(error.value) and "classeur endommagé" in str(error.value)
    assert not Household.objects.filter(reference="IMP-001").exists()


def _import_page(world, settings, data: bytes) -> tuple[ImportJob, str]:
    client = world.client_for("mous")
    upload = SimpleUploadedFile(
        "suivi.ods", data, content_type="application/vnd.oasis.opendocument.spreadsheet"
    )
    response = client.post(reverse("exchange:import"), {"fichier": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:job", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    return job, html.unescape(page.content.decode())


def test_damaged_cells_on_the_import_page(world, settings):
    job, page = _import_page(world, settings, _damaged_cells_file())
    assert job.status == "invalid"
    assert "raison technique" not in page and "Fichier refusé : 4 erreur(s)" in page
    for column, value, reason in [
        ("nb_adultes", "abc", "cellule de type nombre dont la valeur n'est pas un nombre"),
        ("nb_enfants", "1", "cellule de type nombre sans valeur"),
        ("date_recensement", "15/01/2024", "cellule de type date sans date"),
        ("date_diagnostic", "2024-02-31", "cellule de type date dont la valeur n'est pas une date"),
    ]:
        assert f"<td>menages</td><td>2</td><td>{column}</td><td>{value}</td><td>{reason}" in page
    assert not Household.objects.filter(reference="IMP-001").exists()


@pytest.mark.parametrize(("attribute", "value", "expected"), REPEATS)
def test_damaged_repeat_on_the_import_page(world, settings, attribute, value, expected):
    job, page = _import_page(world, settings, _damaged_repeat_file(attribute, value))
    assert job.status == "invalid"
    assert "raison technique" not in page and expected in page
    assert not Household.objects.filter(reference="IMP-001").exists()


@pytest.mark.parametrize(
    ("column", "raw", "reason"),
    [
        ("loyer_origine", "1E999999999", "nombre trop grand (999999.99 au plus)"),
        ("loyer_origine", 1e308, "nombre trop grand (999999.99 au plus)"),
        ("ressources_mensuelles", "1e30", "nombre trop grand (9999999.99 au plus)"),
        ("nb_adultes", "1" * 5000, "nombre trop grand"),
    ],
)
def test_huge_numbers_are_cell_errors(column, raw, reason):
    """A CSV or XLSX cell holding 1E999999999 or 5,000 digits is refused like any invalid number (the
    rounding to cents and Python's integer conversion raised their own errors)."""
    columns = {c.name: c for c in MENAGES_COLUMNS}
    with pytest.raises(CellError) as error:
        parse_cell(raw, columns[column])
    assert str(error.value) == reason
