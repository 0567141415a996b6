"""Containers as partners really produce them: typed spreadsheet cells, repeated ODS cells, CSV variants."""

import datetime as dt
import io

import openpyxl
import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import ContainerError, read_path, read_upload
from relogement.households.models import Household
from tests.exchange.files import MENAGE

HEADER = list(MENAGE.keys()) + ["surface_origine"]


def _typed_row():
    values = dict(MENAGE, surface_origine=62.5, nb_adultes=2, nb_enfants=0)
    values["date_recensement"] = dt.datetime(2024, 1, 15)
    values["date_diagnostic"] = dt.date(2024, 2, 1)
    values["commune_origine_insee"] = 59350  # stored as a number by the spreadsheet
    return [values[h] for h in HEADER]


def test_xlsx_with_typed_cells(world):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Menages"
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(_typed_row())
    sheet.append([None] * len(HEADER))  # blank rows are skipped, numbering kept
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = exchange_import(sheets=read_upload(io.BytesIO(buffer.getvalue()), "suivi.xlsx"))
    assert report.valid, report.text()
    household = Household.objects.get(reference="IMP-001")
    assert household.census_date == dt.date(2024, 1, 15)
    assert str(household.origin_living_area) == "62.50"


def _ods_cell(value=None, repeat=None):
    kwargs = {}
    if repeat:
        kwargs["numbercolumnsrepeated"] = repeat
    if value is None:
        return TableCell(**kwargs)
    if isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=str(value), **kwargs)
    elif isinstance(value, dt.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat()[:10], **kwargs)
    else:
        cell = TableCell(valuetype="string", **kwargs)
    cell.addElement(P(text=str(value)))
    return cell


def test_ods_written_by_a_spreadsheet(world):
    document = OpenDocumentSpreadsheet()
    other = Table(name="Notes")
    document.spreadsheet.addElement(other)
    table = Table(name="menages")
    header = TableRow()
    for name in HEADER:
        header.addElement(_ods_cell(name))
    header.addElement(_ods_cell(repeat=1000))
    table.addElement(header)
    row = TableRow()
    for value in _typed_row():
        row.addElement(_ods_cell(value))
    row.addElement(_ods_cell(repeat=1000))
    table.addElement(row)
    table.addElement(TableRow(numberrowsrepeated=100000))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    sheets = read_upload(io.BytesIO(buffer.getvalue()), "suivi.ods")
    assert [number for number, _ in sheets["menages"].rows] == [2]
    report = exchange_import(sheets=sheets)
    assert report.valid, report.text()
    assert Household.objects.get(reference="IMP-001").census_date == dt.date(2024, 1, 15)


def test_unreadable_containers(tmp_path):
    with pytest.raises(ContainerError, match="Format non reconnu"):
        read_upload(io.BytesIO(b"x"), "suivi.pdf")
    with pytest.raises(ContainerError, match="XLSX"):
        read_upload(io.BytesIO(b"not a zip"), "suivi.xlsx")
    with pytest.raises(ContainerError, match="UTF-8"):
        read_upload(io.BytesIO("ref_menage;projet\ncafé;x".encode("latin-1")), "menages.csv")
    with pytest.raises(ContainerError, match="menages.csv"):
        read_path(tmp_path)


def test_missing_menages_sheet(world):
    workbook = openpyxl.Workbook()
    workbook.active.title = "autre"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = exchange_import(sheets=read_upload(io.BytesIO(buffer.getvalue()), "suivi.xlsx"))
    assert "feuille « menages » absente" in report.text()


def test_ods_output_is_a_valid_opendocument(world):
    from odf.opendocument import load

    from relogement.exchange.exporter import export_rows, write_export

    world.household_a.reference_name = "Famille O'Brien & fils <aînés>"
    world.household_a.save()
    buffer = io.BytesIO()
    write_export(buffer, export_rows(Household.objects.all(), viewer=None), "ods")
    document = load(io.BytesIO(buffer.getvalue()))
    assert [t.getAttribute("name") for t in document.spreadsheet.getElementsByType(Table)] == [
        "menages",
        "propositions",
    ]
    sheets = read_upload(io.BytesIO(buffer.getvalue()), "export.ods")
    names = [values[sheets["menages"].header.index("nom_referent")] for _, values in sheets["menages"].rows]
    assert "Famille O'Brien & fils <aînés>" in names
