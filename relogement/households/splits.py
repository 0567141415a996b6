"""Household split (décohabitation): some members leave and become a new household, linked to the
original one, with its own file and lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.households import validation as v
from relogement.households.locking import check_version
from relogement.households.models import Household, HouseholdStatusChange, Relation, ResourceLine
from relogement.households.services import _save_file, _sync_composition, _sync_resources
from relogement.households.statuses import HouseholdStatus

SPLIT_STATUSES = (HouseholdStatus.TO_DIAGNOSE, HouseholdStatus.SEARCHING)
_CLOSED = {HouseholdStatus.CLOSED, HouseholdStatus.EXITED}


@transaction.atomic
def household_split(
    *,
    household: Household,
    member_ids: Sequence[int],
    new_reference: str,
    actor,
    effective_date: dt.date,
    status: str = HouseholdStatus.TO_DIAGNOSE,
    expected_version: int | None = None,
) -> Household:
    """Create the new household from the chosen members; the original keeps the others."""
    original = Household.objects.select_for_update(no_key=True).get(pk=household.pk)
    check_version(original, expected_version)
    if original.status in _CLOSED:
        raise DomainError("Impossible d'enregistrer une décohabitation sur un dossier clos ou sorti.")
    new_reference = v.required_text(new_reference, "La référence du nouveau ménage")
    if status not in SPLIT_STATUSES:
        raise DomainError("Le nouveau ménage commence « À diagnostiquer » ou « En recherche ».")
    if effective_date is None:
        raise DomainError("La date de la décohabitation est obligatoire.")
    v.not_in_future(effective_date, "La date de la décohabitation")
    if effective_date < original.census_date:
        raise DomainError("La décohabitation ne peut pas précéder la date de recensement.")
    ids = {int(pk) for pk in member_ids}
    if not ids:
        raise DomainError("Choisissez au moins un membre qui quitte le ménage.")
    all_members = list(original.members.all())
    leaving = [m for m in all_members if m.pk in ids]
    if len(leaving) != len(ids):
        raise DomainError("Certains membres choisis n'appartiennent pas à ce ménage.")
    if len(leaving) == len(all_members):
        raise DomainError("Au moins un membre doit rester dans le ménage d'origine.")
    if Household.objects.filter(project_id=original.project_id, reference=new_reference).exists():
        raise DomainError(f"La référence « {new_reference} » existe déjà dans ce projet.")

    new = Household(
        reference=new_reference,
        project_id=original.project_id,
        building_id=original.building_id,
        origin_dwelling_id=original.origin_dwelling_id,
        split_from=original,
        social_provider_id=original.social_provider_id,
        referent_id=original.referent_id,
        status=status,
        census_date=effective_date,
        reference_name=f"{leaving[0].last_name} (décohabitation de {original.reference})",
        origin_dwelling_type=original.origin_dwelling_type,
        origin_living_area=original.origin_living_area,
        origin_floor=original.origin_floor,
        tenancy_start=original.tenancy_start,
    )
    new._change_reason = f"Décohabitation de {original.reference}"
    new._history_user = actor
    new.save()
    HouseholdStatusChange.objects.create(
        household=new,
        from_status="",
        to_status=status,
        effective_date=effective_date,
        reason=f"Décohabitation de {original.reference}",
        actor=actor,
    )
    # The first leaving adult becomes the new household's reference person.
    has_reference = False
    for member in leaving:
        member.household = new
        if not has_reference and member.relation != Relation.CHILD:
            member.relation = Relation.REFERENCE
            has_reference = True
        elif member.relation == Relation.REFERENCE:
            member.relation = Relation.OTHER
        member._change_reason = f"Décohabitation vers {new_reference}"
        member._history_user = actor
        member.save()
    # Their incomes go with them: the original household's resources (and its effort rate, residual
    # rent, benefit estimates) no longer count the leaving members' salaries or pensions.
    moved = 0
    for line in ResourceLine.objects.select_for_update(no_key=True).filter(
        household=original, member__in=leaving
    ):
        line.household = new
        line._change_reason = f"Décohabitation vers {new_reference}"
        line._history_user = actor
        line.save(update_fields=["household"])
        moved += 1
    fields = _sync_composition(new) + _sync_resources(new)
    if fields:
        new.save(update_fields=fields)
    fields = _sync_composition(original)
    if moved:
        fields += _sync_resources(original)
        if "monthly_resources" not in fields:
            # Every line left: what remains is unknown until entered, not the old total.
            original.monthly_resources = None
            fields.append("monthly_resources")
    _save_file(
        original,
        actor,
        f"Décohabitation : {len(leaving)} membre(s) vers {new_reference}",
        fields,
    )
    return new
