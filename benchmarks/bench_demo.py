"""Demo generation time and the household list for a metropolis user (every household in scope)."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

RUNS = 5


def _render(client: Client, url: str) -> tuple[float, int, int]:
    client.get(url)  # warm caches and the session
    durations = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000, len(queries.captured_queries), response.status_code


def run(ctx) -> list[dict]:
    from relogement.accounts.models import User
    from relogement.households.models import Household

    rows = []
    if "load_demo" in ctx.timings:
        rows.append(
            {
                "name": f"load_demo --households {ctx.households}",
                "value": round(ctx.timings["load_demo"], 1),
                "unit": "s",
                "target": "quelques minutes pour 100 000",
                "notes": f"{Household.objects.count()} ménages écrits (décohabitations comprises)",
                "key": "load_demo",
            }
        )
    if "load_demo_peak_mb" in ctx.timings:
        rows.append(
            {
                "name": f"load_demo --households {ctx.households} : mémoire maximale",
                "value": round(ctx.timings["load_demo_peak_mb"], 1),
                "unit": "Mo",
                "target": "< 2 000 Mo (24 Gio, partagés)",
                "notes": "RSS maximal du processus ; les ménages sont écrits par lots (relogement/demo)",
                "key": "load_demo : mémoire maximale",
            }
        )
    client = Client()
    client.force_login(User.objects.get(username="metropole"))
    pages = [("Accueil", reverse("home")), ("Liste des projets", reverse("project_list"))]
    try:
        pages.insert(0, ("Liste des ménages", reverse("households:list")))
    except NoReverseMatch:
        pass
    pages.append(("Liste des bâtiments", reverse("building_list")))
    for label, url in pages:
        median_ms, queries, status = _render(client, url)
        rows.append(
            {
                "name": f"{label} (métropole, tout le périmètre)",
                "value": round(median_ms, 1),
                "unit": "ms",
                "target": "< 500 ms",
                "notes": f"médiane de {RUNS} rendus, {queries} requêtes SQL, HTTP {status}",
            }
        )
    return rows
