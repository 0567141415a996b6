"""The alert centre (issue 15 point 5) on a large dataset: median of five renders per role and its
number of SQL queries (constant whatever the data size), target < 300 ms at 100,000 households on
PostgreSQL; the menu's badge (``/alertes/compte/``) runs the same rules.

Run alone on a loaded database: ``DATABASE_URL=... .venv/bin/python benchmarks/bench_alerts.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

RUNS = 5
ROLES = (
    ("mous", "MOUS"),
    ("commune", "commune"),
    ("social-a", "travailleur social"),
    ("bailleur", "bailleur"),
    ("metropole", "métropole"),
)


def _measure(client, url: str, runs: int = RUNS) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and the caches
    durations = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000, len(queries.captured_queries), response.status_code


def run(ctx=None) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from relogement.accounts.models import User
    from relogement.alerts import rules
    from relogement.households.models import Household

    total = Household.objects.count()
    rows = []
    for username, role in ROLES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        median_ms, queries, status = _measure(client, reverse("alerts:centre"))
        count = len(rules.alerts_for(user))
        rows.append(
            {
                "name": f"Centre d'alertes ({role})",
                "value": round(median_ms, 1),
                "unit": "ms",
                "target": "< 300 ms",
                "notes": f"médiane de {RUNS} rendus, {queries} requêtes SQL (constant), {count} alertes, "
                f"{total} ménages en base, HTTP {status}",
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
