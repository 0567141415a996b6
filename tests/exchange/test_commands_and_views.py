"""The command-line contract and the exchange pages (import with progress and report, export)."""

import io
import zipfile
from html import unescape

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from relogement.exchange.models import ImportJob
from relogement.exchange.readers import read_upload
from relogement.households.models import Household
from tests.exchange.builders import build_perimeter
from tests.exchange.files import csv_bytes, menage, proposition


def test_import_command_ok(world, tmp_path):
    folder = tmp_path / "suivi"
    folder.mkdir()
    (folder / "menages.csv").write_bytes(csv_bytes([menage()], bom=True))
    (folder / "propositions.csv").write_bytes(
        csv_bytes([proposition()], columns=list(proposition().keys()), sep=",")
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_followup", str(folder), stdout=out, stderr=err)
    assert "1 créé(s)" in out.getvalue()
    assert Household.objects.filter(reference="IMP-001").exists()


def test_import_command_single_csv_and_dry_run(world, tmp_path):
    path = tmp_path / "menages.csv"
    path.write_bytes(csv_bytes([menage()]))
    out = io.StringIO()
    call_command("import_followup", str(path), "--dry-run", stdout=out)
    assert "Simulation" in out.getvalue()
    assert not Household.objects.filter(reference="IMP-001").exists()


def test_import_command_invalid_file(world, tmp_path):
    path = tmp_path / "menages.csv"
    path.write_bytes(csv_bytes([menage(), menage(ref_menage="B", nb_adultes="deux")]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_followup", str(path), stderr=err)
    assert "ligne 3, colonne « nb_adultes »" in err.getvalue()
    assert not Household.objects.filter(reference="IMP-001").exists()


def test_import_command_exit_status(world, tmp_path):
    """Through manage.py, an invalid file gives a non-zero exit status."""
    path = tmp_path / "menages.csv"
    path.write_bytes(csv_bytes([menage(statut="n_importe_quoi")]))
    with pytest.raises(SystemExit) as exc:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "import_followup", str(path)])
    assert exc.value.code != 0


def test_export_command_formats(world, tmp_path):
    build_perimeter(world)
    call_command("export_followup", str(tmp_path / "all.xlsx"), stdout=io.StringIO())
    call_command(
        "export_followup", str(tmp_path / "one.ods"), "--project", "Roubaix Alma", stdout=io.StringIO()
    )
    call_command("export_followup", str(tmp_path / "dossier") + "/", stdout=io.StringIO())
    workbook = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert workbook.sheetnames == ["menages", "propositions"]
    assert workbook["menages"].max_row == 1 + Household.objects.count()
    with (tmp_path / "one.ods").open("rb") as handle:
        sheets = read_upload(handle, "one.ods")
    assert [values[0] for _, values in sheets["menages"].rows] == ["ALMA-001"]
    assert (tmp_path / "dossier" / "menages.csv").exists()
    with pytest.raises(CommandError):
        call_command("export_followup", str(tmp_path / "x.xlsx"), "--project", "inconnu")


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def inline_imports():
    """The import's task runs at once in the request (huey's immediate mode of the test settings)."""
    assert HUEY.immediate


def test_import_page_runs_job_and_shows_report(world, inline_imports):
    client = world.client_for("mous")
    upload = SimpleUploadedFile("menages.csv", csv_bytes([menage()]), content_type="text/csv")
    response = client.post(reverse("exchange:import"), {"fichier": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exchange:job", args=[job.pk])
    assert job.status == "done" and job.report["households"]["created"] == 1
    page = client.get(response.url)
    assert "Import terminé" in page.content.decode()
    assert Household.objects.filter(reference="IMP-001").exists()


def test_import_page_invalid_file_report(world, inline_imports):
    client = world.client_for("mous")
    upload = SimpleUploadedFile(
        "menages.csv",
        csv_bytes([menage(), menage(ref_menage="Y", projet="roubaix-alma")]),
        content_type="text/csv",
    )
    client.post(reverse("exchange:import"), {"fichier": upload})
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    html = client.get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert 'role="alert"' in html and "vous ne pouvez pas importer de données pour ce projet" in html
    assert not Household.objects.filter(reference="IMP-001").exists()


def test_import_page_progress_polls_until_finished(world):
    job = ImportJob.objects.create(
        created_by=world.users["mous"],
        filename="gros.xlsx",
        status="running",
        phase="Lecture",
        done=10,
        total=40,
    )
    html = world.client_for("mous").get(reverse("exchange:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html


def test_import_page_rejects_unknown_format(world):
    upload = SimpleUploadedFile("suivi.pdf", b"%PDF", content_type="application/pdf")
    response = world.client_for("mous").post(reverse("exchange:import"), {"fichier": upload})
    assert response.status_code == 200 and "Format non reconnu" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_task_runs_the_job_and_deletes_the_upload(world):
    """What the worker runs: the job acts for the organisation it was created for, reads the upload from
    the shared storage and deletes it once done."""
    from relogement.exchange import jobs, tasks

    upload = SimpleUploadedFile("menages.csv", csv_bytes([menage()]), content_type="text/csv")
    name = jobs.store_upload(upload)
    assert name.startswith("exchange/imports/") and default_storage.exists(name)
    job = ImportJob.objects.create(
        created_by=world.users["admin"],
        organisation=world.orgs["admin"],
        filename="menages.csv",
        source_path=name,
    )
    tasks.import_file(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None and job.heartbeat_at is not None
    assert Household.objects.filter(reference="IMP-001").exists()
    assert not default_storage.exists(name) and job.source_path == ""
    tasks.import_file(job.pk)  # delivered twice: the finished job is not run again
    job.refresh_from_db()
    assert job.status == "done" and job.report["households"]["created"] == 1


def test_two_csv_files_are_stored_and_read_as_a_folder(world):
    client = world.client_for("mous")
    main = SimpleUploadedFile("menages.csv", csv_bytes([menage()]), content_type="text/csv")
    extra = SimpleUploadedFile(
        "propositions.csv",
        csv_bytes([proposition()], columns=list(proposition().keys())),
        content_type="text/csv",
    )
    client.post(reverse("exchange:import"), {"fichier": main, "propositions": extra})
    job = ImportJob.objects.get()
    assert job.status == "done", job.report
    assert job.report["households"]["created"] == 1 and job.report["proposals"]["created"] == 1


def _export(client, **params):
    response = client.get(reverse("exchange:export"), params)
    assert response.status_code == 200, response.content[:500]
    return response


def _menages_rows(content: bytes) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        lines = archive.read("menages.csv").decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    return [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]


def test_export_scope_and_names(world):
    rows = _menages_rows(_export(world.client_for("mous"), format="csv").content)
    assert {r["ref_menage"] for r in rows} == {"CONC-001", "CONC-002"}
    assert {r["nom_referent"] for r in rows} == {"Famille Martin", "Famille Durand"}
    rows = _menages_rows(_export(world.client_for("social_a"), format="csv").content)
    assert [r["ref_menage"] for r in rows] == ["CONC-001"]
    rows = _menages_rows(_export(world.client_for("metropolis"), format="csv").content)
    assert {r["ref_menage"] for r in rows} == {"CONC-001", "CONC-002", "ALMA-001"}
    assert {r["nom_referent"] for r in rows} == {""}
    rows = _menages_rows(
        _export(world.client_for("metropolis"), format="csv", projet=world.other_project.pk).content
    )
    assert [r["ref_menage"] for r in rows] == ["ALMA-001"]


def test_export_project_outside_scope_is_refused(world):
    response = world.client_for("mous").get(
        reverse("exchange:export"), {"format": "xlsx", "projet": world.other_project.pk}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_export_workbooks_download(world, fmt):
    response = _export(world.client_for("commune"), format=fmt)
    assert f".{fmt}" in response["Content-Disposition"]
    sheets = read_upload(io.BytesIO(response.content), f"x.{fmt}")
    assert len(sheets["menages"].rows) == 2


def test_named_exports_are_logged(world):
    from relogement.audit.models import FileRead

    _export(world.client_for("mous"), format="csv")
    assert set(FileRead.objects.values_list("household__reference", "what")) == {
        ("CONC-001", "export fichier de suivi"),
        ("CONC-002", "export fichier de suivi"),
    }
    _export(world.client_for("metropolis"), format="csv")
    assert FileRead.objects.count() == 2


def test_job_left_running_by_a_restart_is_shown_as_failed(world):
    import datetime as dt

    from django.utils import timezone

    job = ImportJob.objects.create(created_by=world.users["mous"], filename="x.xlsx", status="running")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=3))
    html = world.client_for("mous").get(reverse("exchange:job", args=[job.pk])).content.decode()
    message = "Le traitement a été interrompu (redémarrage du serveur de tâches) ; relancez l'import."
    assert message in unescape(html) and "Rien n'a été enregistré" in unescape(html)
    assert 'hx-trigger="every 1s"' not in html
    job.refresh_from_db()
    assert job.status == "failed" and job.error == message
