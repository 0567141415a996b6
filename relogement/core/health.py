"""``/sante/``: whether this application server can work, for a load balancer or an orchestrator.

Public (no session, no token: probes have none) and without personal data: each check says ok or
not, with the class of the error at most (details go to the log, never to the caller). 200 when every
check passes, 503 otherwise:

- ``database``: a query answers;
- ``cache``: a value written to the default cache reads back (Redis when ``REDIS_URL`` is set: the
  sessions' throttling counters and the indicators' cache are shared through it);
- ``queue``: the task queue's storage answers (its number of waiting tasks is given);
- ``migrations``: none of the code's migrations is missing from the database (an upgrade deployed
  before ``migrate`` ran would fail on every page that reads a new column).
"""

from __future__ import annotations

import logging
import secrets

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

logger = logging.getLogger(__name__)


def check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    key, value = "sante:" + secrets.token_hex(8), secrets.token_hex(8)
    cache.set(key, value, 10)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        raise RuntimeError("la valeur écrite n'a pas été relue")
    return {}


def check_queue() -> dict:
    return {"pending_tasks": HUEY.pending_count()}


def check_migrations() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise PendingMigrations(len(plan))
    return {"pending": 0}


class PendingMigrations(Exception):
    def __init__(self, count: int):
        super().__init__(f"{count} migration(s) non appliquée(s)")
        self.count = count


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
    "migrations": check_migrations,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, **check()}
        except PendingMigrations as exc:
            results[name] = {"ok": False, "pending": exc.count}
        except Exception as exc:
            logger.exception("Contrôle de santé « %s » en échec", name)
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results


@login_not_required
@never_cache
@require_GET
def health(request):
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "erreur", "checks": checks}, status=200 if healthy else 503
    )
