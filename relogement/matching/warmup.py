"""Warm the benefits engine up when a server process starts, so that the first ranking is interactive.

The first household ranking of a process pays for building openfisca-france's tax-benefit system
(3–11 s: thousands of YAML parameter files) and for its first simulation (parameters instantiated for
the period, about 1 s); a household after that costs its curves only (one per APL zone, 0.2–0.5 s in
all). Doing the first two once, in a background thread at start-up, keeps them off every user's
request. Enabled by the ``MATCHING_WARM_UP_ENGINE`` setting (off in tests), and only in processes that
serve requests (not in ``migrate``, ``load_demo`` or runserver's file watcher). No database access.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from decimal import Decimal
from pathlib import Path

logger = logging.getLogger(__name__)

_thread: threading.Thread | None = None
_lock = threading.Lock()


def warm_up_engine() -> None:
    """Build the tax-benefit system and run one small simulation (nothing is cached by household).

    The simulation also traces, once per process, which variables depend on the rent (the engine's
    two-stage runs need it, about 2 s).
    """
    from relogement.benefits import engine

    engine.tax_benefit_system()
    profile = engine.HouseholdProfile.simple(1, 1, Decimal("1200"))
    # An explicit zone and commune: no query, and the parameters of the default month get loaded.
    engine.simulate_exact(
        profile, insee_code="59350", zone=2, month=engine.DEFAULT_MONTH, rents=[300.0, 450.0]
    )


def _run() -> None:
    try:
        warm_up_engine()
    except Exception:  # a warm-up failure must never stop the server: the first request retries
        logger.exception("Préchauffage du moteur d'aides au logement impossible")


def _wait_before_fork() -> None:
    # A pre-forking server (gunicorn --preload) must not fork while the thread holds the engine's
    # lock: the children would inherit it locked. Waiting also lets them inherit the loaded system.
    if _thread is not None:
        _thread.join()


def start_warm_up() -> threading.Thread:
    """Start the warm-up once per process, in a daemon thread; returns it."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="benefits-warm-up", daemon=True)
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(before=_wait_before_fork)
            _thread.start()
        return _thread


def serves_requests(argv: list[str] | None = None, environ=None) -> bool:
    """Whether this process will serve requests: a WSGI/ASGI server, or runserver's serving child."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv or Path(argv[0]).name not in {"manage.py", "django-admin"}:
        return True
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    # With the autoreloader, the parent only watches files; the child (RUN_MAIN) serves.
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv
