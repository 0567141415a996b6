"""Demo alert settings (docs/governance.md § Alerts and notifications): the MOUS Lille's projects alert
on proposals unanswered after 21 days; the personas' preferences show each channel (the worker prints
the e-mails on the console)."""

from __future__ import annotations

from relogement.alerts.models import AlertKind, AlertPreference, Channel, ProjectAlertSettings

PREFERENCES = [
    ("mous", AlertKind.STALLED_PROPOSAL, Channel.DAILY),
    ("mous", AlertKind.REQUEST_RECEIVED, Channel.IMMEDIATE),
    ("commune", AlertKind.BUILDING_AT_RISK, Channel.WEEKLY),
    ("commune", AlertKind.REQUEST_RECEIVED, Channel.IMMEDIATE),
    ("social-a", AlertKind.OVERDUE_STEP, Channel.DAILY),
    ("bailleur", AlertKind.COMMITTEE_INVITATION, Channel.IMMEDIATE),
]


def generate_alert_settings(gen) -> dict[str, int]:
    projects = list(gen.mous_orgs[0].projects.all())
    ProjectAlertSettings.objects.bulk_create(
        [ProjectAlertSettings(project=p, stalled_proposal_days=21) for p in projects], ignore_conflicts=True
    )
    AlertPreference.objects.bulk_create(
        [
            AlertPreference(user=gen.persona_users[login], kind=kind, channel=ch)
            for login, kind, ch in PREFERENCES
        ],
        ignore_conflicts=True,
    )
    return {"alert_settings": len(projects), "alert_preferences": len(PREFERENCES)}
