"""Shared tasks of the task worker (huey, docs/operations.md § Tasks)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from huey.contrib.djhuey import db_task

logger = logging.getLogger(__name__)


# An unreachable mail server is retried for a quarter of an hour before the message is given up.
@db_task(retries=3, retry_delay=300)
def send_email(user_id: int, subject: str, body: str) -> None:
    """Send one plain-text e-mail to an active user with an address (anyone else: nothing is sent)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        logger.info("Courriel « %s » non envoyé : l'utilisateur %s n'a pas d'adresse.", subject, user_id)
        return
    send_mail(subject, body, None, [user.email])
