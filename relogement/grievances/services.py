"""Writes of grievances: record, acknowledge, escalate, close; each atomic, with its history row and a
line in the transition log (grievances.states)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relogement.accounts.models import Organisation
from relogement.core.errors import DomainError
from relogement.grievances.dates import add_working_days
from relogement.grievances.models import (
    DEFAULT_ACKNOWLEDGEMENT_WORKING_DAYS,
    DEFAULT_RESOLUTION_DAYS,
    Grievance,
    GrievanceCategory,
    GrievanceChannel,
    GrievancePolicy,
    GrievanceStatus,
    GrievanceTransition,
)
from relogement.grievances.states import RECORD_LABEL, RULES
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.predicates import NAMED_DATA_KINDS
from relogement.permissions.scopes import organisation_of


def deadlines(*, project_id: int | None, received_on: dt.date) -> tuple[dt.date, dt.date]:
    """(acknowledgement due, resolution due): N working days and M calendar days after receipt, N and
    M from the project's policy (2 and 30 without one)."""
    policy = GrievancePolicy.objects.filter(project_id=project_id).first() if project_id else None
    ack = policy.acknowledgement_working_days if policy else DEFAULT_ACKNOWLEDGEMENT_WORKING_DAYS
    days = policy.resolution_days if policy else DEFAULT_RESOLUTION_DAYS
    return add_working_days(received_on, ack), received_on + dt.timedelta(days=days)


@transaction.atomic
def grievance_policy_set(*, project, acknowledgement_working_days: int, resolution_days: int, actor):
    """Set a project's deadlines; grievances already recorded keep theirs (they were told to the
    household in the acknowledgement)."""
    if not 0 < acknowledgement_working_days <= 30:
        raise DomainError("Le délai d'accusé de réception doit être compris entre 1 et 30 jours ouvrés.")
    if not 0 < resolution_days <= 365:
        raise DomainError("Le délai de traitement doit être compris entre 1 et 365 jours.")
    policy, _ = GrievancePolicy.objects.get_or_create(project=project)
    policy.acknowledgement_working_days = acknowledgement_working_days
    policy.resolution_days = resolution_days
    policy._change_reason = "Délais des réclamations modifiés"
    policy.save()
    return policy


@transaction.atomic
def grievance_record(
    *,
    household: Household,
    category: str,
    channel: str,
    received_on: dt.date,
    description: str,
    responsible: Organisation,
    actor,
) -> Grievance:
    """Record a household's complaint with its deadlines (the caller fetched the household in scope)."""
    if not predicates.can_record_grievance(actor, household):
        raise DomainError("Vous ne pouvez pas enregistrer de réclamation pour ce ménage.")
    if category not in GrievanceCategory.values:
        raise DomainError("Objet de réclamation inconnu.")
    if channel not in GrievanceChannel.values:
        raise DomainError("Canal de réception inconnu.")
    if received_on is None:
        raise DomainError("Indiquez la date de réception.")
    if received_on > timezone.localdate():
        raise DomainError("La date de réception ne peut pas être dans le futur.")
    description = (description or "").strip()
    if not description:
        raise DomainError("Décrivez la réclamation.")
    if responsible is None or responsible.kind not in NAMED_DATA_KINDS:
        raise DomainError(
            "L'organisation responsable doit être une commune, un bureau d'étude, un prestataire social "
            "ou un bailleur."
        )
    ack_due, resolution_due = deadlines(project_id=household.project_id, received_on=received_on)
    grievance = Grievance(
        household=household,
        category=category,
        channel=channel,
        received_on=received_on,
        description=description,
        responsible=responsible,
        recorded_by_organisation=organisation_of(actor),
        author=actor,
        acknowledgement_due=ack_due,
        resolution_due=resolution_due,
    )
    grievance._change_reason = RECORD_LABEL
    grievance.save()
    GrievanceTransition.objects.create(
        grievance=grievance, from_status="", to_status=GrievanceStatus.RECEIVED, actor=actor
    )
    return grievance


def _check(grievance: Grievance, action: str, actor):
    rule = RULES.get(action)
    if rule is None:
        raise DomainError("Action inconnue.")
    if grievance.status not in rule.sources:
        if action == "close" and grievance.status == GrievanceStatus.RECEIVED:
            raise DomainError("Accusez réception de la réclamation avant de la clôturer.")
        raise DomainError(
            f"« {rule.label} » est impossible : la réclamation est au statut « {grievance.get_status_display()} »."
        )
    if not predicates.can_handle_grievance(actor, grievance):
        raise DomainError("Cette action revient à une autre organisation à ce stade de la réclamation.")
    return rule


def _apply(grievance: Grievance, rule, actor, reason: str, day: dt.date) -> Grievance:
    before = grievance.status
    grievance.status = rule.target
    if rule.action == "acknowledge":
        grievance.acknowledged_on = day
    grievance._change_reason = rule.label
    grievance.save()
    GrievanceTransition.objects.create(
        grievance=grievance, from_status=before, to_status=rule.target, reason=reason, actor=actor
    )
    return grievance


@transaction.atomic
def grievance_transition(
    *, grievance: Grievance, action: str, actor, reason: str = "", on: dt.date | None = None
):
    """Acknowledge or escalate (not close: grievance_close says the outcome and the household's view)."""
    grievance = Grievance.objects.select_for_update(no_key=True).get(pk=grievance.pk)
    if action == "close":
        raise DomainError("La clôture se fait avec la réponse apportée et l'avis du ménage.")
    rule = _check(grievance, action, actor)
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise DomainError("Indiquez le motif de la remontée.")
    day = on or timezone.localdate()
    if action == "acknowledge" and day < grievance.received_on:
        raise DomainError("L'accusé de réception ne peut pas précéder la réception.")
    return _apply(grievance, rule, actor, reason, day)


@transaction.atomic
def grievance_close(
    *,
    grievance: Grievance,
    outcome: str,
    household_agrees: bool | None,
    actor,
    closed_on: dt.date | None = None,
) -> Grievance:
    """Close with the answer given and whether the household agrees with it (both required: a closure
    without the household's view would hide a disagreement)."""
    grievance = Grievance.objects.select_for_update(no_key=True).get(pk=grievance.pk)
    rule = _check(grievance, "close", actor)
    outcome = (outcome or "").strip()
    if not outcome:
        raise DomainError("Indiquez la réponse apportée au ménage.")
    if household_agrees is None:
        raise DomainError("Indiquez si le ménage est d'accord avec la réponse.")
    day = closed_on or timezone.localdate()
    if day < grievance.received_on:
        raise DomainError("La clôture ne peut pas précéder la réception.")
    if day > timezone.localdate():
        raise DomainError("La date de clôture ne peut pas être dans le futur.")
    grievance.outcome = outcome
    grievance.household_agrees = household_agrees
    grievance.closed_on = day
    agreement = "ménage d'accord" if household_agrees else "ménage en désaccord"
    return _apply(grievance, rule, actor, f"{agreement} — {outcome}", day)
