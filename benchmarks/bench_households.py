"""The household file on a large dataset: list searches and sorts, exports, the one-page file.

The list is measured for every role, page after page (filter choices and counts cached per
organisation and data version: issue 19, target 50 ms); the CSV exports with their peak of Python
allocations and their ratio to the raw SQL of the same rows (``COPY`` on PostgreSQL, a plain cursor
elsewhere).

Run alone on a loaded database: ``DATABASE_URL=... .venv/bin/python benchmarks/bench_households.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

RUNS = 5


def _measure(client, url: str, runs: int = RUNS) -> tuple[float, int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and the session
    durations = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
    return (
        statistics.median(durations) * 1000,
        len(queries.captured_queries),
        response.status_code,
        len(response.content),
    )


def _streamed(response) -> bytes:
    if not getattr(response, "streaming", False):
        return response.content
    content = response.getvalue()
    response.close()  # as the server does (the XLSX is sent from a temporary file)
    return content


def _export_figures(client, user, url: str) -> tuple[float, float, float, int]:
    """Seconds to produce and read the whole export, peak of Python allocations (MB, a second run:
    tracemalloc slows everything it traces), seconds of the raw SQL of the same rows, rows."""
    import tracemalloc

    from django.db import connection

    from relogement.households import selectors
    from relogement.households.listing import columns_for

    started = time.perf_counter()
    body = _streamed(client.get(url))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        _streamed(client.get(url))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rows = selectors.household_rows(
        user=user,
        filters=selectors.HouseholdFilters(),
        sources=[c.source for c in columns_for(user)],
    )
    sql, params = rows.query.sql_with_params()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, DELIMITER ';')", params) as copy:
                for _ in copy:
                    pass
        else:
            cursor.execute(sql, params)
            while cursor.fetchmany(2000):
                pass
    raw = time.perf_counter() - started
    return seconds, peak / 10**6, raw, body.count(b"\n") - 1


def run(ctx=None) -> list[dict]:
    from django.test import override_settings

    # The cache of production (the test settings, which the bench runs with, turn it off).
    with override_settings(INDICATORS_CACHE_SECONDS=600):
        return _run()


def _run() -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from relogement.accounts.models import User
    from relogement.households.models import Household

    def client_for(username):
        user = User.objects.filter(username=username).first()
        if user is None:
            return None
        client = Client()
        client.force_login(user)
        return client

    rows = []
    total = Household.objects.count()
    # The list of every role, first and third page, served after a first view (the figures of the
    # perimeter cached for the data version; the first view computes them).
    for username, role in (
        ("metropole", "métropole"),
        ("commune", "commune"),
        ("mous", "MOUS"),
        ("social-a", "travailleur social"),
        ("bailleur", "bailleur"),
    ):
        client = client_for(username)
        if client is None:
            continue
        for query, what in (("", "page 1"), ("?page=3", "page 3")):
            median_ms, queries, status, size = _measure(client, reverse("households:list") + query)
            rows.append(
                {
                    "name": f"Liste des ménages, {what} ({role})",
                    "value": round(median_ms, 1),
                    "unit": "ms",
                    "target": "≤ 50 ms",
                    "notes": f"{total} ménages en base, {queries} requêtes SQL, HTTP {status}, {size // 1024} Kio",
                }
            )
    for username, role in (("mous", "MOUS"), ("metropole", "métropole")):
        client = client_for(username)
        if client is None:
            continue
        user = User.objects.get(username=username)
        seconds, peak_mb, raw, count = _export_figures(
            client, user, reverse("households:export", args=["csv"])
        )
        rows.append(
            {
                "name": f"Export CSV de la liste, tout le périmètre ({role})",
                "value": round(seconds, 2),
                "unit": "s",
                "target": "< 1 s (MOUS), < 2 s (métropole), < 200 Mo",
                "notes": f"{count} lignes, pic Python {peak_mb:.0f} Mo, SQL brut {raw:.2f} s, "
                f"rapport application/SQL brut {seconds / raw if raw else 0:.1f}",
            }
        )
    cases = [
        (
            "social-a",
            "Liste, tri par étapes en retard (travailleur social)",
            reverse("households:list") + "?sort=overdue",
            "< 500 ms",
        ),
        ("mous", "Liste, recherche par nom (MOUS)", reverse("households:list") + "?q=martin", "< 500 ms"),
        (
            "mous",
            "Liste, colonnes choisies (propositions, échéance, reste à charge, souhaits…), tri par propositions (MOUS)",
            reverse("households:list")
            + "?cols=proposals&cols=next_due&cols=residual_before&cols=provider&cols=wish_types"
            + "&cols=wish_rent&cols=status&sort=-proposals",
            "≤ 50 ms",
        ),
        (
            "metropole",
            "Liste, filtres statut + besoins (métropole)",
            reverse("households:list") + "?status=searching&needs=pmr&sort=-census",
            "< 500 ms",
        ),
        ("mous", "Export XLSX du périmètre (MOUS)", reverse("households:export", args=["xlsx"]), "< 10 s"),
    ]
    for username, label, url, target in cases:
        client = client_for(username)
        if client is None:
            continue
        if "export" in url:
            started = time.perf_counter()
            response = client.get(url)
            if response.status_code == 302:
                # A large XLSX is a background job (HOUSEHOLD_EXPORT_INLINE_MAX); the bench's settings run
                # it at once (huey's immediate mode): the time is the job's, then its file's download.
                from relogement.exchange.models import ExportJob

                job = ExportJob.objects.filter(created_by__username=username).latest("pk")
                response = client.get(reverse("exchange:export_download", args=[job.pk]))
                label += ", tâche de fond"
            size, status, queries = len(_streamed(response)), response.status_code, 0
            median_ms = (time.perf_counter() - started) * 1000
        else:
            median_ms, queries, status, size = _measure(client, url)
        rows.append(
            {
                "name": label,
                "value": round(median_ms, 1),
                "unit": "ms",
                "target": target,
                "notes": f"{total} ménages en base, "
                + (f"{queries} requêtes SQL, " if queries else "")
                + f"HTTP {status}, {size // 1024} Kio",
            }
        )
    social = client_for("social-a")
    household = (
        Household.objects.visible_to(User.objects.get(username="social-a")).order_by("pk").first()
        if social
        else None
    )
    if household is not None:
        median_ms, queries, status, _ = _measure(social, reverse("households:detail", args=[household.pk]))
        rows.append(
            {
                "name": "Fiche ménage complète (travailleur social)",
                "value": round(median_ms, 1),
                "unit": "ms",
                "target": "< 300 ms",
                "notes": f"{queries} requêtes SQL (constant), lecture tracée, HTTP {status}",
            }
        )
    return rows


if __name__ == "__main__":
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    for row in run():
        print(row)
