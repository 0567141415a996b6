"""The household file on a large dataset: list searches and sorts, exports, the one-page file.

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


def run(ctx=None) -> list[dict]:
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
    cases = [
        (
            "social-a",
            "Liste, tri par étapes en retard (travailleur social)",
            reverse("households:list") + "?sort=overdue",
            "< 500 ms",
        ),
        ("mous", "Liste, recherche par nom (MOUS)", reverse("households:list") + "?q=martin", "< 500 ms"),
        (
            "metropole",
            "Liste, filtres statut + besoins (métropole)",
            reverse("households:list") + "?status=searching&needs=pmr&sort=-census",
            "< 500 ms",
        ),
        ("mous", "Export CSV du périmètre (MOUS)", reverse("households:export", args=["csv"]), "< 5 s"),
        ("mous", "Export XLSX du périmètre (MOUS)", reverse("households:export", args=["xlsx"]), "< 10 s"),
    ]
    for username, label, url, target in cases:
        client = client_for(username)
        if client is None:
            continue
        runs = 1 if "export" in url else RUNS
        median_ms, queries, status, size = _measure(client, url, runs)
        rows.append(
            {
                "name": label,
                "value": round(median_ms, 1),
                "unit": "ms",
                "target": target,
                "notes": f"{total} ménages en base, {queries} requêtes SQL, HTTP {status}, {size // 1024} Kio",
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
