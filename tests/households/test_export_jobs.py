"""Large household list XLSX exports are background jobs (issue 19, point 2): the task worker writes the
file into the storage, its author alone follows the job's page and downloads it, each download logged
as a read in one statement; small exports stay synchronous."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from relogement.audit.models import FileRead
from relogement.exchange import jobs
from relogement.exchange.models import ExportJob, ExportKind
from tests.spreadsheets import xlsx_dicts

XLSX = reverse("households:export", args=["xlsx"])


@pytest.fixture
def background(settings):
    """Every XLSX list export goes through a job (threshold 0), run at once by huey's immediate mode."""
    settings.HOUSEHOLD_EXPORT_INLINE_MAX = 0
    assert HUEY.immediate


def _start(client, query=""):
    response = client.get(XLSX + query)
    assert response.status_code == 302, response.content[:300]
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert response["Location"] == reverse("exchange:export_job", args=[pk])
    return ExportJob.objects.get(pk=pk)


def _values(data: bytes) -> list[dict]:
    return [{k: c.value for k, c in row.items()} for row in xlsx_dicts(data)]


def _inserts_into_reads(queries) -> int:
    table = FileRead._meta.db_table
    return sum(1 for q in queries if q["sql"].startswith("INSERT") and table in q["sql"])


def test_a_large_list_export_is_a_job_whose_file_is_the_list(world, background, settings):
    client = world.client_for("mous")
    job = _start(client, "?sort=reference")
    assert job.kind == ExportKind.LIST and job.format == "xlsx" and job.named
    assert job.status == "done" and job.total == job.done == 2 and job.file_path
    page = client.get(reverse("exchange:export_job", args=[job.pk])).content.decode()
    assert "L'export est prêt (2 ménages)" in page and "Liste des ménages" in page
    assert 'hx-trigger="every 1s"' not in page and reverse("households:list") in page
    download = client.get(reverse("exchange:export_download", args=[job.pk]))
    assert download.status_code == 200 and job.filename in download["Content-Disposition"]
    from_job = _values(b"".join(download.streaming_content))
    settings.HOUSEHOLD_EXPORT_INLINE_MAX = 100
    direct = client.get(XLSX + "?sort=reference")
    assert direct.status_code == 200 and direct.streaming
    assert from_job == _values(b"".join(direct.streaming_content))
    assert {row["Référence"] for row in from_job} == {
        world.household_a.reference,
        world.household_b.reference,
    }


def test_small_exports_stay_synchronous(world):
    response = world.client_for("mous").get(XLSX)
    assert response.status_code == 200 and response.streaming
    b"".join(response.streaming_content)
    assert not ExportJob.objects.exists()


def test_the_job_keeps_the_filters_and_the_scope_without_names_for_pseudonymised_roles(world, background):
    client = world.client_for("metropolis")
    job = _start(client, f"?project={world.other_project.pk}")
    assert job.filters["project"] == world.other_project.pk and not job.named
    assert job.total == 1
    rows = _values(b"".join(client.get(reverse("exchange:export_download", args=[job.pk])).streaming_content))
    assert [row["Référence"] for row in rows] == [world.household_other.reference]
    assert world.household_other.reference_name not in str(rows)
    assert not FileRead.objects.exists()  # no named data: nothing read


def test_only_the_author_reaches_the_job_and_its_file(world, background):
    job = _start(world.client_for("mous"))
    for persona in ("commune", "metropolis", "social_a", "admin"):
        client = world.client_for(persona)
        for name in ("exchange:export_job", "exchange:export_job_progress", "exchange:export_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (persona, name)


def test_the_job_and_each_download_log_the_reads_in_one_statement(world, background):
    client = world.client_for("mous")
    with CaptureQueriesContext(connection) as start:
        job = _start(client)
    assert _inserts_into_reads(start.captured_queries) == 1
    written = set(
        FileRead.objects.filter(what=f"export xlsx n°{job.pk}").values_list("household_id", flat=True)
    )
    assert written == {world.household_a.pk, world.household_b.pk}
    for _ in range(2):
        with CaptureQueriesContext(connection) as download:
            response = client.get(reverse("exchange:export_download", args=[job.pk]))
            b"".join(response.streaming_content)
        assert _inserts_into_reads(download.captured_queries) == 1
    downloads = FileRead.objects.filter(what=f"téléchargement export xlsx n°{job.pk}")
    assert downloads.count() == 4 and {r.user_id for r in downloads} == {world.users["mous"].pk}


def test_a_failed_job_says_so_and_has_no_file(world, background, monkeypatch):
    from relogement.households import exports

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    job = _start(world.client_for("mous"))
    job.refresh_from_db()
    assert job.status == "failed" and not job.file_path
    page = world.client_for("mous").get(reverse("exchange:export_job", args=[job.pk])).content.decode()
    assert "raison technique" in page


def test_files_and_filters_are_deleted_after_a_day_by_the_periodic_task(world, background, settings):
    from relogement.exchange.tasks import remove_old_files

    settings.HOUSEHOLD_EXPORT_INLINE_MAX = -1  # even an empty list (a search for a name)
    job = _start(world.client_for("mous"), "?q=dupont")
    path = Path(default_storage.path(job.file_path))
    assert path.is_file() and job.filters["q"] == "dupont"
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - jobs.EXPORTS_KEPT - dt.timedelta(hours=1)
    )
    remove_old_files.call_local()
    job.refresh_from_db()
    assert not path.exists() and job.file_path == "" and job.filters == {}
    assert world.client_for("mous").get(reverse("exchange:export_download", args=[job.pk])).status_code == 404


def test_a_named_exchange_export_logs_its_reads_in_one_statement(world, settings):
    settings.EXCHANGE_EXPORT_INLINE_MAX = 100
    with CaptureQueriesContext(connection) as queries:
        response = world.client_for("mous").get(reverse("exchange:export"), {"format": "csv"})
    assert response.status_code == 200
    assert _inserts_into_reads(queries.captured_queries) == 1
    logged = FileRead.objects.filter(what="export fichier de suivi").values_list("household_id", flat=True)
    assert set(logged) == {world.household_a.pk, world.household_b.pk}
