"""The API call log's retention, applied nightly by the task scheduler (no cron line to install)."""

from __future__ import annotations

import io
import logging

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="20"))
@lock_task("api-purge-calls")
def purge_api_calls() -> None:
    """Runs ``manage.py purge_api_calls`` (rows older than API_CALL_RETENTION_DAYS)."""
    out = io.StringIO()
    call_command("purge_api_calls", stdout=out)
    logger.info(out.getvalue().strip())
