"""Periodic tasks of the alerts (huey, docs/operations.md § Tasks): the immediate e-mails every ten
minutes (alerts are computed, so « immediate » means at the next run), the daily digest at 7:00, the
weekly one on Monday at 7:00."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relogement.alerts.models import Channel
from relogement.alerts.notifications import send_digests, send_immediate


@db_periodic_task(crontab(minute="*/10"))
@lock_task("alerts-immediate")
def alerts_immediate():
    send_immediate()


@db_periodic_task(crontab(hour="7", minute="0"))
@lock_task("alerts-daily")
def alerts_daily_digest():
    send_digests(Channel.DAILY)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"))
@lock_task("alerts-weekly")
def alerts_weekly_digest():
    send_digests(Channel.WEEKLY)
