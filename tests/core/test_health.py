"""/sante/: public, JSON, no personal data; 200 when the database, cache, queue and migrations are fine,
503 as soon as one is not."""

import json

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

# A loopback port where nothing listens: a real connection refused, not a mock.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def _health(client=None):
    response = (client or Client()).get("/sante/")
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_healthy_answers_200_to_an_anonymous_probe_without_session_or_personal_data():
    response, body = _health()
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["queue"]["pending_tasks"] == 0 and body["checks"]["migrations"]["pending"] == 0
    # No session is opened, nothing is cached on the way.
    assert "sessionid" not in response.cookies and "no-store" in response["Cache-Control"]


def test_a_signed_in_user_gets_the_same_answer(world):
    response, body = _health(world.client_for("social_a"))
    assert response.status_code == 200 and set(body) == {"status", "checks"}
    assert "Famille" not in response.content.decode()


@pytest.mark.django_db
def test_an_unreachable_cache_answers_503(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response, body = _health()
    assert response.status_code == 503 and body["status"] == "erreur"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]


@pytest.mark.django_db
def test_an_unreachable_queue_answers_503(monkeypatch):
    monkeypatch.setattr(HUEY, "storage", RedisStorage("relogement", url=DEAD_REDIS))
    response, body = _health()
    assert response.status_code == 503
    assert body["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_a_pending_migration_answers_503():
    # The exchange app's latest migration (an earlier one is not pending while its successor is applied).
    leaf = next(n for n in MigrationLoader(connection).graph.leaf_nodes() if n[0] == "exchange")
    MigrationRecorder(connection).record_unapplied(*leaf)
    response, body = _health()
    assert response.status_code == 503 and body["checks"]["migrations"] == {"ok": False, "pending": 1}


@pytest.mark.django_db
def test_a_database_error_is_named_without_its_message(monkeypatch):
    from relogement.core import health

    def refused():
        raise health.connections["default"].Database.OperationalError(
            "password authentication failed for relo"
        )

    monkeypatch.setitem(health.CHECKS, "database", refused)
    response, body = _health()
    assert response.status_code == 503 and body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
    }
    assert "password" not in response.content.decode()


@pytest.mark.django_db
def test_the_probe_is_exempt_from_the_https_redirect(settings):
    """A load balancer probes the application server in plain HTTP; the pages still redirect."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/sante/").status_code == 200
    assert Client().get("/connexion/").status_code == 301
