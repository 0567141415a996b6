"""The security log's retention runs every night through the task scheduler."""

import datetime as dt

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from relogement.accounts import tasks
from relogement.accounts.models import SecurityEvent, SecurityEventKind


def test_the_nightly_task_deletes_the_rows_older_than_the_retention(db, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    old = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="ancien")
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=366))
    recent = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="recent")
    due = {type(task) for task in HUEY.read_periodic(dt.datetime(2026, 12, 3, 2, 15))}
    assert tasks.purge_security_log.task_class in due
    tasks.purge_security_log()
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
