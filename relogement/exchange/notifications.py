"""What the author of a background export is told by e-mail when the file is ready."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from relogement.core.notifications import absolute_url, notify_user
from relogement.exchange.jobs import EXPORTS_KEPT
from relogement.exchange.models import ExportJob

EXPORT_READY_SUBJECT = "Votre export est prêt"


def notify_export_ready(job: ExportJob) -> None:
    """The file's name and the link to its page (which checks that the reader is its author); nothing
    from the file itself."""
    body = render_to_string(
        "exchange/email/export_ready.txt",
        {
            "job": job,
            "url": absolute_url(reverse("exchange:export_job", args=[job.pk])),
            "kept_days": EXPORTS_KEPT.days,
        },
    )
    notify_user(user=job.created_by, subject=EXPORT_READY_SUBJECT, body=body)
