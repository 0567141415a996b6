"""Start-up cost of management commands (issue 19: `indicators` took 1.29 s, 1.12 s of it start-up).

``django.setup()`` must not import the task queue (huey's storage imports the Redis and PostgreSQL
clients) nor drf-spectacular (the API schema's extension, with DRF's test client and more): they are
imported by the modules that use them. The indicators command, read-only, runs no system checks (they
import every view)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import load_command_class

BASE_DIR = Path(__file__).resolve().parents[2]
HEAVY = ["huey.api", "huey.storage", "redis", "drf_spectacular.extensions", "rest_framework.test"]


def test_django_setup_leaves_the_queue_and_the_api_schema_unimported():
    code = (
        "import json, sys, django; django.setup(); "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "PYTHONPATH": str(BASE_DIR)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_indicators_command_runs_no_system_checks():
    assert load_command_class("relogement.indicators", "indicators").requires_system_checks == []


def test_the_worker_command_is_still_there():
    from huey.contrib.djhuey.management.commands.run_huey import Command

    assert load_command_class("relogement.core", "run_huey").__class__ is Command
