"""Test settings: production settings with a throw-away key and fast password hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Tasks run at once in the caller (huey's immediate mode, in-memory queue): no worker in tests.
os.environ.setdefault("TASKS_IMMEDIATE", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdefghij")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tests serve static files through the finders, not from a collected STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Indicator figures are cached by data version in production; tests reuse primary keys after each
# rollback, so the cache is off here (tests/indicators enable it explicitly).
INDICATORS_CACHE_SECONDS = 0
# No openfisca warm-up thread in test processes (tests build the engine when they need it).
MATCHING_WARM_UP_ENGINE = False
# Two-factor authentication is optional in tests (as in the demo); tests/accounts turn it on.
OTP_REQUIRED = False
# Tests never share a cache with a running deployment (a test clears it): local memory, whatever
# REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Stored files (uploads, exports) go to a folder of this test process, removed at exit.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="relogement-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared in-memory database: the browser tests' live server then has its own
    # connection. One connection shared by two threads deadlocks: a query calling one of the Python
    # functions Django registers on SQLite waits for the GIL while holding the connection's mutex, which
    # the other thread, holding the GIL, waits for (the suite hung in CI). In RAM where the system has
    # one, a name of this process's own (pytest-xdist adds its worker's suffix), removed by Django.
    _shm = Path("/dev/shm")
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(
            (_shm if _shm.is_dir() else Path(tempfile.gettempdir()))
            / f"relogement-test-{os.getpid()}.sqlite3"
        )
    }
    # Nothing to keep after a crash: no waiting on the disk.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"  # noqa: F405
