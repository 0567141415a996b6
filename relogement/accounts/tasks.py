"""The security log's retention, applied daily by the task scheduler (no cron line to install)."""

from __future__ import annotations

import io
import logging

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="15"))
@lock_task("accounts-purge-security-log")
def purge_security_log() -> None:
    """Runs ``manage.py purge_security_log`` (rows older than SECURITY_LOG_RETENTION_DAYS)."""
    out = io.StringIO()
    call_command("purge_security_log", stdout=out)
    logger.info(out.getvalue().strip())
