"""Warming the benefits engine up at process start (off in tests, only in serving processes)."""

import pytest
from django.apps import apps
from django.conf import settings

from relogement.matching import warmup


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["gunicorn", "config.wsgi"], {}, True),
        (["/srv/venv/bin/uwsgi"], {}, True),
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "runserver"], {}, False),  # the autoreloader's file watcher
        (["manage.py", "runserver", "--noreload"], {}, True),
        (["manage.py", "migrate"], {}, False),
        (["/usr/bin/django-admin", "load_demo"], {}, False),
        (["manage.py"], {}, False),
    ],
)
def test_serves_requests(argv, environ, expected):
    assert warmup.serves_requests(argv, environ) is expected


def test_off_in_tests():
    assert settings.MATCHING_WARM_UP_ENGINE is False


def test_ready_starts_the_warm_up_only_when_enabled(monkeypatch, settings):
    started = []
    monkeypatch.setattr(warmup, "start_warm_up", lambda: started.append(True))
    monkeypatch.setattr(warmup, "serves_requests", lambda: True)
    config = apps.get_app_config("matching")
    settings.MATCHING_WARM_UP_ENGINE = False
    config.ready()
    assert started == []
    settings.MATCHING_WARM_UP_ENGINE = True
    config.ready()
    assert started == [True]


def test_warm_up_builds_the_engine_without_the_database():
    """No ``db`` fixture: any query would fail the test."""
    from relogement.benefits import engine

    before = engine.cache_info()
    warmup.warm_up_engine()
    assert engine._tbs is not None
    assert engine.cache_info() == before  # no household curve is cached by the warm-up


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def boom():
        raise RuntimeError("openfisca absent")

    monkeypatch.setattr(warmup, "warm_up_engine", boom)
    warmup._run()
    assert "Préchauffage du moteur" in caplog.text
