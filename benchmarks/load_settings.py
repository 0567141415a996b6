"""Settings of the load test's gunicorn workers (``bench_load.py``): the production settings (DEBUG
off, the per-process cache of production without Redis), served over plain HTTP on loopback, static
files from the finders (no collectstatic before measuring; the journeys fetch pages, not assets), and
two-factor authentication optional (the simulated users' sessions are created beforehand)."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")

from config.settings import *  # noqa: E402,F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
OTP_REQUIRED = False
