"""Writes of the alerts app: the user's channel per kind (atomic, history by simple_history)."""

from __future__ import annotations

from django.db import transaction

from relogement.alerts.models import AlertKind, AlertPreference, Channel
from relogement.core.errors import DomainError


def preferences_of(user) -> dict[str, str]:
    """Kind → channel, every kind present (in the application only by default)."""
    chosen = dict(AlertPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.APP) for kind in AlertKind.values}


@transaction.atomic
def alert_preferences_set(*, user, channels: dict[str, str]) -> None:
    """Record the user's own choices (a user sets only their own preferences)."""
    for kind, channel in channels.items():
        if kind not in AlertKind.values or channel not in Channel.values:
            raise DomainError("Choix de notification inconnu.")
        pref = AlertPreference.objects.filter(user=user, kind=kind).first()
        if pref is None:
            pref = AlertPreference(user=user, kind=kind)
        elif pref.channel == channel:
            continue
        pref.channel = channel
        pref._change_reason = "Préférences de notification"
        pref.save()
