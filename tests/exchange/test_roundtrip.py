"""export → import into an empty database → export gives the same data (every container)."""

import io
import zipfile

import pytest

from relogement.exchange.exporter import export_rows, write_export
from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import read_path, read_upload
from relogement.households.models import Household
from tests.exchange.builders import build_perimeter, wipe_household_data


def _export(fmt):
    buffer = io.BytesIO()
    write_export(buffer, export_rows(Household.objects.all(), viewer=None), fmt)
    return buffer.getvalue()


def _csv_text(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_round_trip(world, fmt):
    build_perimeter(world)
    reference = _csv_text(_export("csv"))
    exported = _export(fmt)
    wipe_household_data()
    assert not Household.objects.exists()
    sheets = read_upload(io.BytesIO(exported), f"suivi.{'zip' if fmt == 'csv' else fmt}")
    report = exchange_import(sheets=sheets)
    assert report.valid, report.text()
    assert report.households.created == 7
    assert report.proposals.created == 3
    assert _csv_text(_export("csv")) == reference
    # Re-importing the same file changes nothing.
    again = exchange_import(
        sheets=read_upload(io.BytesIO(exported), f"suivi.{'zip' if fmt == 'csv' else fmt}")
    )
    assert (again.households.created, again.households.updated, again.households.unchanged) == (0, 0, 7)
    assert (again.proposals.created, again.proposals.updated, again.proposals.unchanged) == (0, 0, 3)
    assert _csv_text(_export("csv")) == reference


def test_export_content(world):
    build_perimeter(world)
    text = _csv_text(_export("csv"))
    menages = text["menages.csv"].splitlines()
    header = menages[0].split(";")
    rows = {line.split(";")[0]: dict(zip(header, line.split(";"), strict=True)) for line in menages[1:]}
    rehoused = rows["CONC-010"]
    assert rehoused["statut"] == "reloge"
    assert rehoused["date_diagnostic"] == "2023-02-01"
    assert rehoused["date_relogement"] == "2024-05-15"
    assert rehoused["commune_destination_insee"] == "59512"
    assert rehoused["loyer_destination"] == "512.30"
    assert rehoused["minoration_loyer"] == "oui"
    assert rehoused["satisfaction_6_mois"] == "satisfait"
    assert rehoused["impayes_6_mois"] == "non"
    split = rows["CONC-010-D"]
    assert split["decohabitation_de"] == "CONC-010"
    assert split["statut"] == "reloge_temporaire"
    assert split["ressources_mensuelles"] == "" and split["loyer_origine"] == ""
    assert rows["CONC-011"]["motif_sortie"] == "depart_autonome"
    assert rows["CONC-011"]["nom_referent"] == ""
    propositions = text["propositions.csv"]
    assert "Loyer trop élevé" in propositions
    lines = propositions.splitlines()
    header = lines[0].split(";")
    assert header[-1] == "type_logement"  # the optional extra column, last
    kinds = {line.split(";")[0]: line.split(";")[-1] for line in lines[1:]}
    assert kinds["CONC-010-D"] == "foyer"
    assert set(kinds.values()) <= {"", "foyer"}  # not stated: empty (conventioned social housing)


def test_folder_of_csv_round_trip(world, tmp_path):
    build_perimeter(world)
    folder = tmp_path / "export"
    write_export(folder, export_rows(Household.objects.all(), viewer=None), "csv-folder")
    before = {p.name: p.read_text(encoding="utf-8-sig") for p in folder.iterdir()}
    wipe_household_data()
    report = exchange_import(sheets=read_path(folder))
    assert report.valid, report.text()
    second = tmp_path / "second"
    write_export(second, export_rows(Household.objects.all(), viewer=None), "csv-folder")
    assert {p.name: p.read_text(encoding="utf-8-sig") for p in second.iterdir()} == before


def test_xlsx_cells_are_typed_and_text_stays_text(world):
    """Dates are date cells, amounts numbers, codes and names text, even when a name looks like a
    formula or a number (never evaluated by the spreadsheet software)."""
    import datetime as dt

    from openpyxl import load_workbook

    build_perimeter(world)
    household = Household.objects.filter(split_from__isnull=True).order_by("pk").first()
    Household.objects.filter(pk=household.pk).update(reference_name="=SOMME(A1:A9)")
    sheet = load_workbook(io.BytesIO(_export("xlsx")), read_only=True)["menages"]
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    cells = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[0].value == household.reference)
    row = {name: cell.value for name, cell in cells.items()}
    assert row["nom_referent"] == "=SOMME(A1:A9)"
    assert cells["nom_referent"].data_type == "s"  # a formula cell would be "f"
    assert isinstance(row["commune_origine_insee"], str)
    assert isinstance(row["date_recensement"], dt.datetime)
    assert row["date_recensement"].date() == household.census_date
    assert isinstance(row["nb_adultes"], int) and row["nb_adultes"] == household.adults_count
    assert row["ressources_mensuelles"] == float(household.monthly_resources)
    assert row["besoin_pmr"] in ("oui", "non")
