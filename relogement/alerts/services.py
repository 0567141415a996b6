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


@transaction.atomic
def project_alert_rules_set(*, project, actor, stalled_proposal_days, deadline_warning_days):
    """Set a project's alert rules (``stalled_proposal_days`` None: never)."""
    from relogement.alerts.models import ProjectAlertSettings
    from relogement.permissions import predicates

    if not predicates.can_set_alert_rules(actor, project):
        raise DomainError("Seuls la MOUS et la commune du projet règlent ses alertes.")
    # One save, so one history row per change (get_or_create would write two on the first change).
    settings = ProjectAlertSettings.objects.filter(project=project).first() or ProjectAlertSettings(
        project=project
    )
    settings.stalled_proposal_days = stalled_proposal_days
    settings.deadline_warning_days = deadline_warning_days
    settings._change_reason = f"Règles d'alerte modifiées par {actor}"
    settings.save()
    return settings
