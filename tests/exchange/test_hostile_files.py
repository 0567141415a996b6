"""Hostile files (issue 12, point 1): a tiny file must not make the import hold gigabytes.

Each test builds the hostile file and measures the peak of the Python allocations (tracemalloc) while it
is read: the probe's 7 KB ODS declaring fifty million rows, huge column repeats, rows of hundreds of
thousands of cells, zip bombs, lying zip headers, giant CSV lines. docs/exchange-format.md, "Limits".
"""

import html
import io
import random
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from benchmarks.bench_exchange import generated_rows
from relogement.core.formatting import format_number
from relogement.exchange.columns import MENAGES_COLUMNS
from relogement.exchange.exporter import write_export
from relogement.exchange.importer import exchange_import
from relogement.exchange.limits import MIB, import_limits
from relogement.exchange.models import ImportJob
from relogement.exchange.readers import ContainerError, read_upload
from relogement.exchange.sheets import Keeper
from relogement.households.models import Household
from tests.exchange.files import MENAGE, PROPOSITION, csv_bytes, menage
from tests.exchange.workbooks import (
    header_row,
    lie_about_size,
    menage_cells,
    menage_rows,
    ods_bytes,
    ods_row,
    ods_text,
    xlsx_bytes,
    xlsx_row,
    zip_bytes,
)

FIFTY_MILLION = 50_000_000


def _measure(action):
    """(result or exception raised, peak of Python allocations in bytes, CPU seconds)."""
    tracemalloc.start()
    start = time.process_time()
    try:
        result = action()
    except Exception as exc:  # noqa: BLE001 - the tests look at what was raised
        result = exc
    seconds = time.process_time() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, peak, seconds


def _read(data: bytes, filename: str):
    return lambda: read_upload(io.BytesIO(data), filename)


def _refused(result, *fragments: str) -> None:
    assert isinstance(result, ContainerError), result
    message = str(result).replace("\u202f", " ")  # French thousands separator
    for fragment in fragments:
        assert fragment.replace("\u202f", " ") in message, message


# --- the probe: a 7 KB ODS declaring fifty million rows -----------------------------------------------


def _probe_ods() -> bytes:
    data_row = ods_row(menage_cells(), f' table:number-rows-repeated="{FIFTY_MILLION}"')
    return ods_bytes({"menages": [header_row(), data_row]})


PROBE_MESSAGE = (
    f"Feuille « menages », ligne 2 : ligne répétée {format_number(FIFTY_MILLION)} fois, au-delà de la "
    f"limite de {format_number(200_000)} lignes de données par feuille"
)


def test_probe_ods_is_refused_at_once_in_little_memory():
    data = _probe_ods()
    assert len(data) < 8_000
    result, peak, seconds = _measure(_read(data, "suivi.ods"))
    _refused(result, PROBE_MESSAGE)
    assert peak < 2 * MIB and seconds < 2


def test_probe_ods_on_the_command_line(world, tmp_path):
    path = tmp_path / "suivi.ods"
    path.write_bytes(_probe_ods())
    result, peak, _ = _measure(lambda: call_command("import_followup", str(path), stdout=io.StringIO()))
    assert isinstance(result, CommandError) and PROBE_MESSAGE in str(result)
    assert peak < 4 * MIB
    assert not Household.objects.filter(reference="IMP-001").exists()


def test_probe_ods_on_the_import_page(world, settings):
    client = world.client_for("mous")
    upload = SimpleUploadedFile("suivi.ods", _probe_ods())
    response = client.post(reverse("exchange:import"), {"fichier": upload})
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    page = html.unescape(client.get(response.url).content.decode())
    assert PROBE_MESSAGE in page and "raison technique" not in page


# --- ODS ----------------------------------------------------------------------------------------------


def test_ods_blank_repeats_are_skipped_without_being_read():
    """LibreOffice writes the formatted blank rows and cells after the data as huge repeats."""
    blank_cells = '<table:table-cell table:number-columns-repeated="16384"/>'
    rows = [
        header_row(),
        ods_row(menage_cells() + ['<table:table-cell table:number-columns-repeated="1000000"/>']),
        ods_row([blank_cells], f' table:number-rows-repeated="{FIFTY_MILLION}"'),
        ods_row(menage_cells(ref_menage=ods_text("IMP-002"))),
    ]
    result, peak, seconds = _measure(_read(ods_bytes({"menages": rows}), "suivi.ods"))
    assert [number for number, _ in result["menages"].rows] == [2, 3 + FIFTY_MILLION]
    assert peak < 2 * MIB and seconds < 2


def test_ods_column_repeats_are_not_expanded():
    junk = f'<table:table-cell table:number-columns-repeated="{FIFTY_MILLION}" office:value-type="string"><text:p>x</text:p></table:table-cell>'
    data_rows = [header_row(), ods_row(menage_cells() + [junk])]
    result, peak, seconds = _measure(_read(ods_bytes({"menages": data_rows}), "suivi.ods"))
    assert list(result["menages"].rows) == [(2, list(MENAGE.values()))]
    assert peak < 2 * MIB and seconds < 2
    wide_header = ods_row([ods_text("ref_menage"), junk])
    result, peak, seconds = _measure(_read(ods_bytes({"menages": [wide_header]}), "suivi.ods"))
    _refused(result, "Feuille « menages » : plus de 100 colonnes dans la ligne d'en-tête.")
    assert peak < 2 * MIB and seconds < 2


def test_ods_row_of_many_cells_is_streamed():
    """Not repeated but written out: 300,000 cells in one row (6 MB of XML, 40 KB compressed)."""
    row = ods_row(menage_cells() + ["<table:table-cell/>"] * 300_000)
    data = ods_bytes({"menages": [header_row(), row]})
    result, peak, _ = _measure(_read(data, "suivi.ods"))
    assert list(result["menages"].rows) == [(2, list(MENAGE.values()))]
    assert peak < 2 * MIB


def test_ods_cell_of_megabytes_is_refused():
    cells = [*menage_cells(), ods_text("x" * 5_000_000)]
    data = ods_bytes({"menages": [ods_row([ods_text(n) for n in [*MENAGE, "nom_referent"]]), ods_row(cells)]})
    result, peak, _ = _measure(_read(data, "suivi.ods"))
    _refused(
        result, "Feuille « menages », ligne 2, colonne « nom_referent » : cellule de plus de 1 000 caractères"
    )
    assert peak < 2 * MIB


def test_ods_xml_bombs_are_refused(settings):
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<office:document-content>&lol2;</office:document-content>"
    )
    result, _, _ = _measure(_read(zip_bytes({"content.xml": doctype}), "suivi.ods"))
    _refused(result, "déclaration de type de document (DTD) refusée")
    comment = b"<a><!--" + b"x" * (3 * MIB) + b"--></a>"
    result, peak, _ = _measure(_read(zip_bytes({"content.xml": comment}), "suivi.ods"))
    _refused(result, "balise XML de plus de 1 Mo")
    assert peak < 4 * MIB
    nested = b"<a>" * 1000 + b"</a>" * 1000
    result, _, _ = _measure(_read(zip_bytes({"content.xml": nested}), "suivi.ods"))
    _refused(result, "plus de 100 niveaux d'éléments imbriqués")
    settings.EXCHANGE_IMPORT_LIMITS = {"xml_bytes": MIB}
    big = ods_bytes({"menages": [header_row()] + [ods_row(menage_cells())] * 5000})
    result, _, _ = _measure(_read(big, "suivi.ods"))
    _refused(result, "content.xml dépasse 1 Mo une fois décompressé")
    result, peak, _ = _measure(_read(lie_about_size(big, "content.xml", 1000), "suivi.ods"))
    _refused(result, "content.xml ne peut pas être lu (archive endommagée ?)")
    assert peak < 2 * MIB


def test_zip_with_a_huge_list_of_members_is_refused(settings):
    settings.EXCHANGE_IMPORT_LIMITS = {"zip_directory_bytes": 64 * 1024}
    data = zip_bytes({f"vide-{i:05d}": b"" for i in range(2000)} | {"menages.csv": csv_bytes([menage()])})
    for filename in ("suivi.zip", "suivi.ods", "suivi.xlsx"):
        result, _, _ = _measure(_read(data, filename))
        _refused(result, "la liste de ses fichiers dépasse")


# --- XLSX ---------------------------------------------------------------------------------------------


def test_xlsx_declared_dimension_is_checked_before_the_rows(settings):
    result, peak, seconds = _measure(_read(xlsx_bytes(menage_rows(1), dimension="A1:J50000000"), "x.xlsx"))
    _refused(result, "dimension déclarée « A1:J50000000 » au-delà de la taille d'une feuille")
    assert peak < 2 * MIB and seconds < 2
    settings.EXCHANGE_IMPORT_LIMITS = {"rows": 50}
    result, _, _ = _measure(_read(xlsx_bytes(menage_rows(1), dimension="A1:J300"), "x.xlsx"))
    _refused(
        result, "la feuille déclare 300 lignes (dimension « A1:J300 »), au-delà de la limite de 50 lignes"
    )


def test_xlsx_rows_beyond_the_limit_are_refused(settings):
    settings.EXCHANGE_IMPORT_LIMITS = {"rows": 50}
    result, _, _ = _measure(_read(xlsx_bytes(menage_rows(50)), "x.xlsx"))
    assert len(result["menages"].rows) == 50
    result, _, _ = _measure(_read(xlsx_bytes(menage_rows(51)), "x.xlsx"))
    _refused(result, "Feuille « menages » : plus de 50 lignes de données")
    # Written by openpyxl (a dimension, shared strings): refused the same way.
    workbook = openpyxl.Workbook()
    workbook.active.title = "menages"
    workbook.active.append(list(MENAGE))
    for number in range(60):
        workbook.active.append([f"R{number}", *list(MENAGE.values())[1:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result, _, _ = _measure(_read(buffer.getvalue(), "x.xlsx"))
    _refused(result, "au-delà de la limite de 50 lignes de données par feuille")


def test_xlsx_row_of_many_cells_is_streamed():
    row = xlsx_row(2, list(MENAGE.values())).replace("</row>", '<c r="XFD2"/>' * 300_000 + "</row>")
    data = xlsx_bytes([xlsx_row(1, list(MENAGE)), row])
    result, peak, _ = _measure(_read(data, "x.xlsx"))
    assert list(result["menages"].rows) == [(2, list(MENAGE.values()))]
    assert peak < 2 * MIB


def test_xlsx_damaged_rows_and_cells(world):
    header = xlsx_row(1, list(MENAGE))
    for row, message in [
        ('<row r="1000000000"/>', "ligne 1 000 000 000 au-delà de la taille d'une feuille"),
        ('<row r="abc"/>', "numéro de ligne invalide (« abc »)"),
        ('<row r="3"/><row r="2"/>', "ligne 2 après la ligne 3"),
    ]:
        result, _, _ = _measure(_read(xlsx_bytes([header, row]), "x.xlsx"))
        _refused(result, f"Feuille « menages » : {message}", "classeur endommagé")
    cells = {"nb_adultes": '<c r="G2"><v>abc</v></c>', "nb_enfants": '<c r="H2" t="s"><v>99</v></c>'}
    row = xlsx_row(2, [None if n in cells else v for n, v in MENAGE.items()]).replace(
        "</row>", "".join(cells.values()) + "</row>"
    )
    report = exchange_import(
        sheets=read_upload(io.BytesIO(xlsx_bytes([header, row])), "x.xlsx"), dry_run=True
    )
    assert {(i.column, i.value, i.message.split(" (")[0]) for i in report.errors} == {
        ("nb_adultes", "abc", "cellule de type nombre dont la valeur n'est pas un nombre"),
        ("nb_enfants", "99", "cellule de texte partagé introuvable"),
    }


def test_xlsx_shared_strings_are_bounded(settings):
    strings = "".join(f"<si><t>{i:08d}</t></si>" for i in range(60_000))
    settings.EXCHANGE_IMPORT_LIMITS = {"xml_bytes": MIB}
    result, _, _ = _measure(_read(xlsx_bytes(menage_rows(1), shared_strings=strings), "x.xlsx"))
    _refused(result, "sharedStrings.xml dépasse 1 Mo une fois décompressé")
    settings.EXCHANGE_IMPORT_LIMITS = {"memory_bytes": 4 * MIB}
    result, peak, _ = _measure(_read(xlsx_bytes(menage_rows(1), shared_strings=strings), "x.xlsx"))
    _refused(result, "Le fichier contient trop de données pour être importé en une fois (plus de 4 Mo")
    assert peak < 5 * MIB


# --- CSV and zips of CSV ------------------------------------------------------------------------------


def test_zip_reads_only_its_two_csv_files(world):
    """Other members are never opened (the old reader read every .csv of up to 200 MB whole); a member
    path with ../ is only a name (nothing is written to disk)."""
    data = zip_bytes({"notes.csv": b"0" * (40 * MIB), "../../menages.csv": csv_bytes([menage()])})
    assert len(data) < MIB
    result, peak, _ = _measure(_read(data, "suivi.zip"))
    assert len(result["menages"].rows) == 1 and "propositions" not in result
    assert peak < 2 * MIB
    twice = zip_bytes({"a/menages.csv": csv_bytes([menage()]), "b/MENAGES.CSV": csv_bytes([menage()])})
    _refused(_measure(_read(twice, "suivi.zip"))[0], "L'archive ZIP contient plusieurs fichiers menages.csv.")


def test_zip_bomb_csv_is_refused(settings):
    settings.EXCHANGE_IMPORT_LIMITS = {"csv_bytes": 2 * MIB}
    bomb = csv_bytes([menage()]) + b";" * (3 * MIB) + b"\n"
    data = zip_bytes({"menages.csv": bomb})
    result, peak, _ = _measure(_read(data, "suivi.zip"))
    _refused(result, "menages.csv dépasse 2 Mo une fois décompressé")
    # The same member declaring 1,000 bytes: read no further than declared.
    result, peak, _ = _measure(_read(lie_about_size(data, "menages.csv", 1000), "suivi.zip"))
    _refused(result, "menages.csv ne peut pas être lu (archive endommagée ?)")
    assert peak < 2 * MIB


def test_giant_csv_lines_are_refused():
    line = csv_bytes([menage(nom_referent="x" * 2000)])
    result, _, _ = _measure(_read(line, "menages.csv"))
    _refused(
        result, "Feuille « menages », ligne 2, colonne « nom_referent » : cellule de plus de 1 000 caractères"
    )
    for giant in (b"a;" * (5 * MIB), b"a" * (5 * MIB), b'"' + b"a\n" * (3 * MIB)):
        result, peak, _ = _measure(_read(csv_bytes([menage()]) + giant, "menages.csv"))
        _refused(result, "menages.csv, ligne 3 : ligne de plus de 100 000 caractères")
        assert peak < 2 * MIB


def test_big_csv_is_streamed_within_the_memory_limit(tmp_path, settings):
    """A CSV of 12 MB of distinct values (the probe's 50 MB one, scaled down): refused once the import
    would need more than the memory limit, without ever holding the file."""
    rng = random.Random(12)
    path = tmp_path / "menages.csv"
    with path.open("wb") as handle:
        handle.write(";".join(c.name for c in MENAGES_COLUMNS).encode() + b"\n")
        for _ in range(40_000):
            handle.write(";".join(f"{rng.getrandbits(40):x}" for _column in MENAGES_COLUMNS).encode() + b"\n")
    assert path.stat().st_size > 12_000_000
    settings.EXCHANGE_IMPORT_LIMITS = {"memory_bytes": 8 * MIB}
    with path.open("rb") as handle:
        result, peak, _ = _measure(lambda: read_upload(handle, "menages.csv"))
    _refused(result, "Le fichier contient trop de données pour être importé en une fois (plus de 8 Mo")
    assert peak < 9 * MIB
    settings.EXCHANGE_IMPORT_LIMITS = {"rows": 100}
    with path.open("rb") as handle:
        result, peak, _ = _measure(lambda: read_upload(handle, "menages.csv"))
    _refused(result, "Feuille « menages » : plus de 100 lignes de données")
    assert peak < 2 * MIB


def test_blank_csv_lines_are_counted(settings):
    settings.EXCHANGE_IMPORT_LIMITS = {"sheet_rows": 1000}
    result, _, _ = _measure(_read(csv_bytes([menage()]) + b"\n" * 1000, "menages.csv"))
    _refused(result, "menages.csv : plus de 1 000 lignes.")


def test_header_is_checked_before_the_rows(tmp_path):
    """A sheet whose header lacks a required column is not read further: the import reports the header."""
    data = csv_bytes([menage()] * 1, columns=["ref_menage", "projet"]) + b"x;y\n" * 200_000
    result, peak, _ = _measure(_read(data, "menages.csv"))
    assert len(result["menages"].rows) == 0
    assert peak < 2 * MIB
    report = exchange_import(sheets=result)
    assert "colonne « batiment » : colonne obligatoire absente" in report.text()


def test_report_keeps_a_bounded_number_of_issues(world, settings):
    settings.EXCHANGE_IMPORT_LIMITS = {"report_issues": 100}
    rows = [menage(ref_menage=f"R{i}", nb_adultes="deux", nb_enfants="un") for i in range(1500)]
    report = exchange_import(sheets={"menages": read_upload(io.BytesIO(csv_bytes(rows)), "m.csv")["menages"]})
    assert report.error_count == 3000 and len(report.errors) == 100 and report.errors_omitted == 2900
    assert report.summary().startswith(f"Fichier refusé : {format_number(3000)} erreur(s).")
    assert f"… et {format_number(2900)} autre(s) erreur(s) non détaillée(s)." in report.text()
    again = type(report).from_dict(report.as_dict())
    assert again.error_count == 3000


# --- the memory estimate bounds the import ------------------------------------------------------------


def _realistic(count: int) -> bytes:
    buffer = io.BytesIO()
    rows = generated_rows("lille-concorde", ["59350", "59512"], count=count)
    write_export(buffer, {name: iter(values) for name, values in rows.items()}, "csv")
    return buffer.getvalue()


def _identical(count: int) -> bytes:
    full = dict.fromkeys((c.name for c in MENAGES_COLUMNS), "") | menage()
    return zip_bytes(
        {
            "menages.csv": csv_bytes(
                [full | {"ref_menage": f"R{i}"} for i in range(count)], columns=list(full)
            ),
            "propositions.csv": csv_bytes(
                [PROPOSITION | {"ref_menage": f"R{i}"} for i in range(count)], columns=list(PROPOSITION)
            ),
        }
    )


def _distinct(count: int) -> bytes:
    """Every cell a new value, the same in every decimal column of a row (one table entry per column)."""
    rng = random.Random(3)
    rows = []
    for number in range(count):
        amount = f"{rng.randrange(10**6)}.{rng.randrange(100):02d}"
        row = {}
        for column in MENAGES_COLUMNS:
            row[column.name] = {
                "text": f"{column.name[:4]}{number}-{rng.getrandbits(32):x}",
                "decimal": amount,
                "int": str(rng.randrange(1, 30)),
                "date": f"{rng.randrange(1990, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            }.get(column.kind, column.choices[0] if column.choices else "oui")
        rows.append(row | {"projet": "lille-concorde", "commune_origine_insee": "59350"})
    return zip_bytes({"menages.csv": csv_bytes(rows, columns=[c.name for c in MENAGES_COLUMNS])})


@pytest.mark.parametrize(("shape", "count"), [(_realistic, 3000), (_identical, 4000), (_distinct, 3000)])
def test_memory_estimate_bounds_reading_and_checking(world, shape, count):
    """The readers' estimate is what the import then needs: the peak of reading and checking a file
    (dry run) stays within it, so ``memory_bytes`` bounds every import's validation, and the default
    keeps it under the issue's 300 MB (docs/exchange-format.md, "Limits")."""
    data = shape(count)
    keeper = Keeper(import_limits())

    def read_and_check():
        sheets = read_upload(io.BytesIO(data), "suivi.zip", keeper=keeper)
        return exchange_import(sheets=sheets, dry_run=True)

    report, peak, _ = _measure(read_and_check)
    assert not isinstance(report, Exception), report
    assert report.households.created + len(report.errors) > 0
    assert peak <= keeper.memory_bytes * 1.05 + 512 * 1024, (peak, keeper.memory_bytes)
    assert keeper.memory_bytes <= peak * 1.3, (peak, keeper.memory_bytes)  # and not far above
    assert import_limits().memory_bytes * 1.05 + 512 * 1024 < 300 * 10**6


def test_zip_of_csv_files_with_unreadable_member():
    data = bytearray(zip_bytes({"menages.csv": csv_bytes([menage()] * 50)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo("menages.csv").header_offset + 60
    data[offset : offset + 20] = b"\xff" * 20  # corrupt the compressed data
    _refused(_measure(_read(bytes(data), "suivi.zip"))[0], "menages.csv ne peut pas être lu")
