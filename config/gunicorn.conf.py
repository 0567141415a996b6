"""gunicorn's settings for the production image (docs/operations.md § Production stack).

``gunicorn -c config/gunicorn.conf.py config.wsgi``; every value can be overridden by the environment.
"""

import gc
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Pages wait on PostgreSQL more than on the processor: (2 × cores) + 1 synchronous workers per server.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# The slowest pages (an export of 5,000 households written in the request, a PDF report) take seconds;
# anything longer is a background task.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# The application is loaded once, in the master, before the workers are forked: the benefits engine
# that the master builds then (openfisca-france's tax-benefit system, about 200 MB and 4–5 s of
# processor: relogement/matching/warmup.py, which the fork waits for) is shared copy-on-write by every
# worker, and a worker replaced after ``max_requests`` serves at once, warm, instead of building it
# again. The master opens no database connection (Django connects on a request's first query).
preload_app = True


def pre_fork(server, worker):
    # Objects allocated so far (the engine's) leave the collector's generations: a collection in a
    # worker no longer writes to their pages, which stay shared with the master instead of being copied.
    gc.freeze()


# A worker is replaced after this many requests, so that no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The application writes one JSON access line per request with its id (core/request_id.py).
accesslog = None
# gunicorn's own messages (start, worker boot and timeout) in the application's JSON format.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "relogement.core.structured_logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
