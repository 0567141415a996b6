"""The facts' refresh never waits for a write in progress, so the two cannot deadlock.

A refresh (every dashboard, the menu's alert badge) claims the stale marks, then inserts the facts of
new households, whose foreign key takes a KEY SHARE lock on each household row. A write service locks its
household first and inserts its stale mark later (a trigger). Had the services locked with a plain
``FOR UPDATE``, the refresh would wait for the service's household while the service waited for the
refresh's claimed mark: PostgreSQL's « deadlock detected … indicators_stalehousehold », seen once in the
browser suite. Services lock with ``FOR NO KEY UPDATE`` (they never change a key), which a KEY SHARE lock
does not wait for. Rows that are deleted keep a full ``FOR UPDATE``.
"""

import ast
import threading
from pathlib import Path

import pytest
from django.db import connection

from relogement.households import services
from relogement.indicators import freshness
from relogement.indicators.models import HouseholdFact, StaleHousehold

SOURCE = Path(__file__).resolve().parents[2] / "relogement"
# Functions whose locked row is deleted: a full FOR UPDATE is the right lock there.
DELETING = {
    ("dataprotection/erasure.py", "household_erase"),
    ("households/retention.py", "retention_apply"),
}


def _functions_locking_without_no_key():
    found = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "select_for_update"
                    and not any(k.arg == "no_key" for k in node.keywords)
                ):
                    found.add((path.relative_to(SOURCE).as_posix(), function.name))
    return found


def test_services_lock_rows_without_blocking_foreign_key_checks():
    assert _functions_locking_without_no_key() == DELETING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_refresh_completes_while_a_service_holds_its_household(world, monkeypatch):
    household = world.household_a
    freshness.refresh()
    # A newly censused household: no facts yet, a mark waiting for the next refresh.
    HouseholdFact.objects.filter(household_id=household.pk).delete()
    StaleHousehold.objects.get_or_create(household_id=household.pk)

    locked, release = threading.Event(), threading.Event()
    outcome = {}
    check_version = services.check_version

    def hold_the_lock(row, expected):
        locked.set()
        release.wait(timeout=30)
        return check_version(row, expected)

    monkeypatch.setattr(services, "check_version", hold_the_lock)

    def edit():
        try:
            services.household_update(
                household=household,
                changes={"sne_number": "X"},
                actor=world.users["mous"],
                expected_version=1,
            )
            outcome["edit"] = "ok"
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            outcome["edit"] = exc
        finally:
            connection.close()

    writer = threading.Thread(target=edit)
    writer.start()
    try:
        assert locked.wait(timeout=10), "the service never took its lock"
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # a wait here is the deadlock's first half
        assert freshness.refresh() >= 1
        assert HouseholdFact.objects.filter(household_id=household.pk).exists()
    finally:
        release.set()
        writer.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert outcome == {"edit": "ok"}
    # The edit committed after the refresh: its own mark waits for the next one, nothing is lost.
    assert StaleHousehold.objects.filter(household_id=household.pk).exists()
