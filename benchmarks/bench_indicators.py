"""Indicators on the bench database: dashboard render (cold and cached), map, and the `indicators` command.

Run alone on a loaded database:
``DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python benchmarks/bench_indicators.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 5
TARGET = "< 1 s"
ROLE_DASHBOARDS = [
    ("project_office", "bureau d'études (MOUS)"),
    ("municipality", "agent communal"),
    ("social_provider", "prestataire social"),
    ("landlord", "bailleur"),
]


def _client_for_kind(kind: str):
    """A logged-in client acting for an organisation of ``kind`` (a temporary one if none exists)."""
    from django.test import Client

    from relogement.accounts.models import Membership, Organisation, User

    membership = (
        Membership.objects.filter(organisation__kind=kind, user__is_active=True)
        .select_related("user")
        .first()
    )
    created = []
    if membership is None:
        org = Organisation.objects.create(name=f"Mesure indicateurs ({kind})", kind=kind)
        user = User.objects.create(username=f"bench-indicateurs-{kind}")
        Membership.objects.create(user=user, organisation=org)
        created = [user, org]
    else:
        user = membership.user
    client = Client()
    client.force_login(user)
    return client, created


def _timed(client, url: str, *, cold: bool, runs: int = RUNS) -> tuple[float, int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    # The production cache setting (config.settings_test turns the cache off): "cold" clears it.
    with override_settings(INDICATORS_CACHE_SECONDS=600):
        client.get(url)  # session, map shapes, connection, and the cache for the warm case
        durations, queries, status = [], 0, 0
        for _ in range(runs):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                durations.append(time.perf_counter() - started)
            queries, status = len(captured.captured_queries), response.status_code
    return statistics.median(durations), queries, status


def _command(ctx, *args: str) -> float:
    base = Path(__file__).resolve().parent.parent
    env = getattr(ctx, "env", None) or dict(os.environ)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(base / "manage.py"), "indicators", *args, "--format", "json"],
        check=True,
        env=env,
        cwd=base,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _in_process(perimeter) -> float:
    import datetime as dt

    from relogement.indicators.selectors import ALL, compute_for

    started = time.perf_counter()
    compute_for(ALL, perimeter, dt.date.today())
    return time.perf_counter() - started


def run(ctx=None) -> list[dict]:
    from django.db.models import Count
    from django.urls import reverse

    from relogement.accounts.models import OrganisationKind
    from relogement.households.models import Household
    from relogement.indicators.perimeter import METROPOLIS_PERIMETER
    from relogement.projects.models import Project

    total = Household.objects.count()
    client, created = _client_for_kind(OrganisationKind.METROPOLIS)
    rows = []
    try:
        dashboard = reverse("indicators:dashboard")
        biggest = Project.objects.annotate(n=Count("households")).order_by("-n").first()
        cases = [
            ("Tableau de bord, métropole entière, sans cache", dashboard + "?perimetre=metropole", True),
            ("Tableau de bord, métropole entière, en cache", dashboard + "?perimetre=metropole", False),
        ]
        if biggest is not None:
            cases.append(
                (
                    f"Tableau de bord, plus grand projet ({biggest.n} ménages), sans cache",
                    dashboard + f"?perimetre=projet-{biggest.pk}",
                    True,
                )
            )
        cases.append(
            ("Carte, métropole entière, sans cache", reverse("indicators:map") + "?perimetre=metropole", True)
        )
        for label, url, cold in cases:
            seconds, queries, status = _timed(client, url, cold=cold)
            rows.append(
                {
                    "name": label,
                    "value": round(seconds * 1000, 1),
                    "unit": "ms",
                    "target": TARGET,
                    "notes": f"médiane de {RUNS}, {queries} requêtes, HTTP {status}, {total} ménages",
                }
            )
        rows.append(
            {
                "name": "Calcul des indicateurs (métropole, en processus)",
                "value": round(_in_process(METROPOLIS_PERIMETER) * 1000, 1),
                "unit": "ms",
                "target": "",
                "notes": "selectors.compute_for, sans rendu",
            }
        )
        rows.append(
            {
                "name": "Commande `indicators` (métropole)",
                "value": round(_command(ctx) * 1000, 1),
                "unit": "ms",
                "target": "",
                "notes": "processus complet (démarrage de Django compris)",
            }
        )
        # Each role's dashboard of its whole scope (what a user of that organisation sees first).
        for kind, label in ROLE_DASHBOARDS:
            role_client, role_created = _client_for_kind(kind)
            created += role_created
            seconds, queries, status = _timed(role_client, dashboard, cold=True)
            rows.append(
                {
                    "name": f"Tableau de bord, tout le périmètre d'un {label}, sans cache",
                    "value": round(seconds * 1000, 1),
                    "unit": "ms",
                    "target": TARGET,
                    "notes": f"médiane de {RUNS}, {queries} requêtes, HTTP {status}, {total} ménages",
                }
            )
        if biggest is not None:
            rows.append(
                {
                    "name": "Commande `indicators --project` (plus grand projet)",
                    "value": round(_command(ctx, "--project", biggest.code) * 1000, 1),
                    "unit": "ms",
                    "target": "",
                    "notes": f"{biggest.n} ménages",
                }
            )
    finally:
        for obj in created:
            obj.delete()
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    for row in run():
        print(row)
