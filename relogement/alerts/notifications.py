"""The e-mails of the alerts: French, counts per kind and a link to the alert centre only. An alert's
title is not copied (it names the household's reference, the building…): e-mail leaves the
application's perimeter, so it carries no household, no social note and no health datum
(docs/personal-data.md)."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from relogement.alerts import rules
from relogement.alerts.models import AlertDelivery, AlertKind, AlertPreference, Channel
from relogement.core.notifications import absolute_url

SUBJECTS = {
    Channel.IMMEDIATE: "[Relogement] Nouvelles alertes",
    Channel.DAILY: "[Relogement] Récapitulatif quotidien de vos alertes",
    Channel.WEEKLY: "[Relogement] Récapitulatif hebdomadaire de vos alertes",
}
INTRO = {
    Channel.IMMEDIATE: "De nouvelles alertes vous concernent dans Relogement :",
    Channel.DAILY: "Voici le récapitulatif quotidien de vos alertes dans Relogement :",
    Channel.WEEKLY: "Voici le récapitulatif hebdomadaire de vos alertes dans Relogement :",
}


def body(alerts: list[rules.Alert], channel: str) -> str:
    """One line per kind (in the centre's order): the count and how many are overdue."""
    counts = Counter(a.kind for a in alerts)
    late = Counter(a.kind for a in alerts if a.overdue)
    lines = []
    for kind in AlertKind:
        if counts[kind]:
            suffix = f" (dont {late[kind]} en retard)" if late[kind] else ""
            lines.append(f"- {kind.label} : {counts[kind]}{suffix}")
    link = absolute_url(reverse("alerts:centre"))
    prefs = absolute_url(reverse("alerts:preferences"))
    return (
        "Bonjour,\n\n"
        + INTRO[channel]
        + "\n\n"
        + "\n".join(lines)
        + f"\n\nConsultez-les dans votre centre d'alertes : {link}\n"
        + f"Pour changer la fréquence de ces courriels : {prefs}\n"
    )


def _users_by_channel(channel: str) -> dict[int, list[str]]:
    """User id → the kinds the user wants by ``channel`` (active users with an address)."""
    wanted: dict[int, list[str]] = {}
    rows = AlertPreference.objects.filter(channel=channel, user__is_active=True).exclude(user__email="")
    for user_id, kind in rows.values_list("user_id", "kind"):
        wanted.setdefault(user_id, []).append(kind)
    return wanted


def send_digests(channel: str) -> int:
    """Send the daily or weekly digest to each user who chose it for some kind: every current alert of
    those kinds, grouped by kind. Returns the number of e-mails sent."""
    from relogement.accounts.models import User

    sent = 0
    wanted = _users_by_channel(channel)
    for user in User.objects.filter(pk__in=wanted):
        # Every alert, not the centre's first 50 of a kind: a digest counts them all, and an immediate
        # e-mail must not miss a new one behind older ones (background job: the cost is not a page's).
        alerts = rules.alerts_for(user, kinds=wanted[user.pk], limit=None)
        if alerts:
            send_mail(SUBJECTS[channel], body(alerts, channel), settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
    return sent


def send_immediate() -> int:
    """E-mail each user the alerts of their « immediate » kinds that appeared since the last run
    (each alert once: ``AlertDelivery``)."""
    from relogement.accounts.models import User

    sent = 0
    wanted = _users_by_channel(Channel.IMMEDIATE)
    for user in User.objects.filter(pk__in=wanted):
        # Every alert, not the centre's first 50 of a kind: a digest counts them all, and an immediate
        # e-mail must not miss a new one behind older ones (background job: the cost is not a page's).
        alerts = rules.alerts_for(user, kinds=wanted[user.pk], limit=None)
        known = set(
            AlertDelivery.objects.filter(user=user, key__in=[a.key for a in alerts]).values_list(
                "key", flat=True
            )
        )
        new = [a for a in alerts if a.key not in known]
        if not new:
            continue
        try:
            with transaction.atomic():
                AlertDelivery.objects.bulk_create([AlertDelivery(user=user, key=a.key) for a in new])
        except IntegrityError:  # another run sent them meanwhile
            continue
        send_mail(
            SUBJECTS[Channel.IMMEDIATE],
            body(new, Channel.IMMEDIATE),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        sent += 1
    return sent
