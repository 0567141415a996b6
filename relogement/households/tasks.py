"""The retention rule, applied daily by the task scheduler (no cron line to install)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relogement.households.retention import retention_apply

logger = logging.getLogger(__name__)


# 02:30 UTC, when nobody works; a second worker's scheduler finds the lock taken.
@db_periodic_task(crontab(hour="2", minute="30"))
@lock_task("households-retention")
def apply_retention() -> None:
    """``manage.py apply_retention`` without its report: counts only in the log (no reference)."""
    report = retention_apply(today=timezone.localdate())
    logger.info(
        "Durée de conservation appliquée : %s dossier(s) anonymisé(s).",
        report.households,
        extra={"anonymised": report.households, "cutoff": report.cutoff.isoformat()},
    )
