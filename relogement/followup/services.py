"""Writes of post-rehousing follow-ups (6, 12 and 24 months after the definitive move-in)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.followup.dates import MILESTONES, add_months
from relogement.followup.models import FollowUp, Satisfaction
from relogement.households.models import Household
from relogement.rehousing.models import Rehousing, RehousingKind

SURVEY_FIELDS = (
    "information_received",
    "contact_person_known",
    "support_satisfaction",
    "home_satisfaction",
    "works_needed",
    "works_note",
    "rent_arrears",
    "adaptation_note",
)


def definitive_rehousing(household: Household) -> Rehousing:
    rehousing = Rehousing.objects.current().filter(household=household, kind=RehousingKind.DEFINITIVE).first()
    if rehousing is None:
        raise DomainError("Ce ménage n'a pas de relogement définitif : pas de suivi post-relogement.")
    return rehousing


@transaction.atomic
def followup_milestones_ensure(*, household: Household) -> list[FollowUp]:
    """Create the missing 6/12/24-month milestones from the definitive move-in (lazily, on first use);
    re-date the milestones not yet done when the move-in date was corrected."""
    move_in = definitive_rehousing(household).move_in_date
    existing = {
        f.months_after: f for f in FollowUp.objects.select_for_update(no_key=True).filter(household=household)
    }
    result = []
    for months in MILESTONES:
        due = add_months(move_in, months)
        followup = existing.get(months)
        if followup is None:
            followup = FollowUp(household=household, months_after=months, due_date=due)
            followup._change_reason = "Échéance de suivi créée"
            followup.save()
        elif followup.done_on is None and followup.due_date != due:
            followup.due_date = due
            followup._change_reason = "Échéance recalculée (date d'emménagement modifiée)"
            followup.save(update_fields=["due_date"])
        result.append(followup)
    return result


@transaction.atomic
def followup_record(
    *,
    household: Household,
    months_after: int,
    done_on: dt.date,
    actor,
    information_received: bool | None = None,
    contact_person_known: bool | None = None,
    support_satisfaction: str = "",
    home_satisfaction: str = "",
    works_needed: bool | None = None,
    works_note: str = "",
    rent_arrears: bool | None = None,
    adaptation_note: str = "",
) -> FollowUp:
    """Record (or correct) the survey and situation of one milestone."""
    if months_after not in MILESTONES:
        raise DomainError("Échéance inconnue : le suivi se fait à 6, 12 ou 24 mois.")
    move_in = definitive_rehousing(household).move_in_date
    if done_on is None:
        raise DomainError("Indiquez la date du suivi.")
    if done_on > timezone.localdate():
        raise DomainError("La date du suivi ne peut pas être dans le futur.")
    if done_on < move_in:
        raise DomainError(f"La date du suivi ne peut pas précéder l'emménagement ({move_in:%d/%m/%Y}).")
    for value in (support_satisfaction, home_satisfaction):
        if value and value not in Satisfaction.values:
            raise DomainError("Niveau de satisfaction inconnu.")
    milestones = {f.months_after: f for f in followup_milestones_ensure(household=household)}
    followup = milestones[months_after]
    was_done = followup.done_on is not None
    followup.done_on = done_on
    followup.author = actor
    values = {
        "information_received": information_received,
        "contact_person_known": contact_person_known,
        "support_satisfaction": support_satisfaction or "",
        "home_satisfaction": home_satisfaction or "",
        "works_needed": works_needed,
        "works_note": (works_note or "").strip(),
        "rent_arrears": rent_arrears,
        "adaptation_note": (adaptation_note or "").strip(),
    }
    for name, value in values.items():
        setattr(followup, name, value)
    followup._change_reason = "Suivi corrigé" if was_done else f"Suivi à {months_after} mois réalisé"
    followup.save()
    return followup
