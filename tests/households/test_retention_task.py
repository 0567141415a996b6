"""The retention rule runs every night through the task scheduler, with no cron line."""

import datetime as dt

from huey.contrib.djhuey import HUEY

from relogement.households import tasks
from relogement.households.models import Household
from relogement.households.retention import CHANGE_REASON
from tests.households.test_retention import closed_file


def test_the_scheduler_runs_the_retention_at_half_past_two_utc():
    due = {type(task) for task in HUEY.read_periodic(dt.datetime(2026, 12, 3, 2, 30))}
    assert tasks.apply_retention.task_class in due
    later = {type(task) for task in HUEY.read_periodic(dt.datetime(2026, 12, 3, 14, 30))}
    assert tasks.apply_retention.task_class not in later


def test_the_nightly_task_anonymises_the_files_past_their_retention(world, caplog):
    household = closed_file(world)  # closed, last contact 01/10/2024: more than two years ago
    caplog.set_level("INFO", logger="relogement.households.tasks")
    tasks.apply_retention()
    household = Household.objects.get(pk=household.pk)
    assert household.reference_name == "" and household.members.count() == 0
    assert household.history.first().history_change_reason == CHANGE_REASON
    [record] = [r for r in caplog.records if r.name == "relogement.households.tasks"]
    # Counts only: the log does not name the files.
    assert record.anonymised == 1 and household.reference not in record.getMessage()
