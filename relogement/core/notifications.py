"""E-mails to users, sent by the task worker once the transaction that decided them commits.

A notification says that something is ready or needs a look, and where (a link to a page that
checks the reader's rights): never a household's name or any other personal or social datum, since
e-mail leaves the application's perimeter (docs/personal-data.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from relogement.core.tasks import send_email


def absolute_url(path: str) -> str:
    """A link for an e-mail: ``SITE_URL`` (the address users reach) followed by the page's path."""
    return settings.SITE_URL.rstrip("/") + path


def notify_user(*, user, subject: str, body: str) -> None:
    """E-mail ``user`` (at the address held when the worker sends) after the current transaction."""
    user_id = user.pk
    transaction.on_commit(lambda: send_email(user_id, subject, body))
