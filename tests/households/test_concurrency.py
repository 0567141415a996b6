"""Two truly concurrent saves of the same household on PostgreSQL: the row lock serialises them, the
second sees the new version and is refused (run with DATABASE_URL=postgres://…; skipped on SQLite)."""

import threading

import pytest
from django.db import connection

from relogement.households import services
from relogement.households.locking import StaleEdit
from relogement.households.models import Household

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_concurrent_edits_on_the_same_version_one_wins(world):
    household = world.household_a
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(name, value, actor):
        try:
            barrier.wait(timeout=10)
            services.household_update(
                household=household, changes={"sne_number": value}, actor=actor, expected_version=1
            )
            outcomes[name] = "ok"
        except StaleEdit as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("a", "AAA", world.users["social_a"])),
        threading.Thread(target=edit, args=("b", "BBB", world.users["mous"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(type(v).__name__ for v in outcomes.values()) == ["StaleEdit", "str"], outcomes
    winner = next(k for k, v in outcomes.items() if v == "ok")
    loser = outcomes["b" if winner == "a" else "a"]
    fresh = Household.objects.get(pk=household.pk)
    assert fresh.version == 2 and fresh.sne_number == {"a": "AAA", "b": "BBB"}[winner]
    assert f"→ « {fresh.sne_number} »" in loser.message
