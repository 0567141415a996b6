"""Thematic working groups (issue 15 point 3): services (writes) and selectors (reads).

Every write is atomic, checks the actor's right with a named predicate, validates (French
``DomainError``) and writes its simple-history row in the same transaction. Follow-up actions reuse
the generic ``governance.Action`` (owner organisation, person, due date, status), linked to the
meeting's decision that asked for them.

The indicator snapshot of a meeting is computed once by the indicators' own computation
(``indicators.selectors.compute_for``, the creator's scope, a perimeter and a date of observation) and
stored as JSON: later changes of the data never change it. It stores exact values and the counts they
are computed from; the secret statistique is applied when it is shown (``snapshot_rows``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.core.errors import DomainError
from relogement.governance.models import (
    Action,
    ActionStatus,
    GroupDecision,
    GroupMeeting,
    IndicatorSnapshot,
    WorkingGroup,
)
from relogement.indicators import registry
from relogement.indicators.perimeter import perimeter_for_user
from relogement.indicators.selectors import compute_for
from relogement.indicators.tables import Cell
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.permissions.secrecy import hidden_for

# --- services --------------------------------------------------------------------------------------


def _check_members(organisations, people) -> None:
    if any(o.kind == OrganisationKind.ADMIN for o in organisations):
        raise DomainError("L'administration n'est pas membre d'un groupe de travail.")
    for person in people:
        if not person.is_active:
            raise DomainError(f"{person} n'a plus de compte actif.")


def _require_manager(group: WorkingGroup, actor) -> None:
    if not predicates.can_manage_working_group(actor, group):
        raise DomainError("Seule l'organisation qui anime le groupe de travail le modifie.")


@transaction.atomic
def working_group_create(
    *, actor, name: str, description: str = "", organisations=(), people=()
) -> WorkingGroup:
    """The metropolis creates a working group with its first members."""
    if not predicates.can_create_working_group(actor):
        raise DomainError("Seule la métropole crée un groupe de travail.")
    name = (name or "").strip()
    if not name:
        raise DomainError("Indiquez le nom du groupe de travail.")
    organisations, people = list(organisations), list(people)
    _check_members(organisations, people)
    group = WorkingGroup(
        name=name,
        description=(description or "").strip(),
        organiser=organisation_of(actor),
        created_by=actor,
    )
    group._change_reason = "Groupe de travail créé"
    group.save()
    group.member_organisations.set(organisations)
    group.member_people.set(people)
    return group


@transaction.atomic
def working_group_set_members(*, group: WorkingGroup, actor, organisations=(), people=()) -> WorkingGroup:
    """The organiser replaces the member organisations and people (the history keeps the former lists)."""
    _require_manager(group, actor)
    organisations, people = list(organisations), list(people)
    _check_members(organisations, people)
    group = WorkingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    group._change_reason = "Membres modifiés"
    group.save()
    group.member_organisations.set(organisations)
    group.member_people.set(people)
    return group


@transaction.atomic
def group_meeting_create(*, group: WorkingGroup, actor, date: dt.date, place: str = "") -> GroupMeeting:
    _require_manager(group, actor)
    if date is None:
        raise DomainError("La date de la réunion est obligatoire.")
    meeting = GroupMeeting(group=group, date=date, place=(place or "").strip(), created_by=actor)
    meeting._change_reason = "Réunion planifiée"
    meeting.save()
    return meeting


@transaction.atomic
def group_meeting_write_minutes(*, meeting: GroupMeeting, actor, minutes: str) -> GroupMeeting:
    """The minutes are free text kept by the organiser; they are shared with every member, so they must
    not hold a social note nor a health datum (said on the form)."""
    _require_manager(meeting.group, actor)
    minutes = (minutes or "").strip()
    if not minutes:
        raise DomainError("Le compte rendu est vide.")
    meeting = GroupMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
    meeting.minutes = minutes
    meeting._change_reason = "Compte rendu enregistré"
    meeting.save()
    return meeting


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def group_snapshot_take(
    *, meeting: GroupMeeting, actor, perimeter_token: str, as_of: dt.date
) -> IndicatorSnapshot:
    """Freeze the indicators of a perimeter on a date for a meeting (once: a snapshot is never
    recomputed, that is its point). The perimeter is read within the actor's scope, as on the
    dashboard."""
    _require_manager(meeting.group, actor)
    if as_of is None:
        raise DomainError("La date d'observation est obligatoire.")
    if as_of > timezone.localdate():
        raise DomainError("La date d'observation ne peut pas être dans le futur.")
    if IndicatorSnapshot.objects.filter(meeting=meeting).exists():
        raise DomainError("Les indicateurs de cette réunion sont déjà figés.")
    try:
        perimeter = perimeter_for_user(actor, perimeter_token)
    except Http404 as exc:  # a perimeter outside the scope: a French form error here, not a 404
        raise DomainError("Périmètre inconnu ou hors de votre périmètre.") from exc
    rows = snapshot_compute(actor=actor, perimeter=perimeter, as_of=as_of)
    snapshot = IndicatorSnapshot(
        meeting=meeting,
        as_of=as_of,
        perimeter_token=perimeter.token,
        perimeter_label=perimeter.title,
        rows=rows,
        taken_by=actor,
    )
    snapshot._change_reason = "Indicateurs figés"
    snapshot.save()
    return snapshot


def snapshot_compute(*, actor, perimeter, as_of: dt.date) -> list[dict]:
    """Every indicator of the perimeter on the date, within the actor's indicator scope, by the
    dashboard's own computation, as JSON-ready rows (exact values, and the counts each is computed
    from so that the secret statistique can be applied when shown)."""
    result = compute_for(actor, perimeter, as_of)
    return [
        {
            "id": i.id,
            "label": i.label,
            "section": i.section,
            "kind": i.kind,
            "unit": i.unit,
            "value": _json_value(result.values.get(i.id)),
            "bases": [b for b in result.bases.get(i.id, ()) if b is not None],
        }
        for i in result.indicators()
    ]


def _member_organisation_ids(group: WorkingGroup) -> set[int]:
    ids = {group.organiser_id, *group.member_organisations.values_list("pk", flat=True)}
    ids |= set(
        group.member_people.values_list("memberships__organisation_id", flat=True).exclude(
            memberships__organisation_id=None
        )
    )
    return ids


@transaction.atomic
def group_decision_record(
    *,
    meeting: GroupMeeting,
    actor,
    text: str,
    action_title: str = "",
    owner_organisation: Organisation | None = None,
    owner_person: User | None = None,
    due_date: dt.date | None = None,
) -> GroupDecision:
    """A decision of the meeting, with an optional follow-up action (``governance.Action``) whose owner
    is a member organisation (or the organisation of a member person), optionally one of its people,
    with a due date."""
    _require_manager(meeting.group, actor)
    text = (text or "").strip()
    if not text:
        raise DomainError("Rédigez la décision.")
    decision = GroupDecision(meeting=meeting, text=text, created_by=actor)
    decision._change_reason = "Décision du groupe de travail"
    decision.save()
    action_title = (action_title or "").strip()
    if action_title or owner_organisation or owner_person or due_date:
        if not action_title:
            raise DomainError("Décrivez l'action de suivi.")
        if owner_organisation is None:
            raise DomainError("Choisissez l'organisation responsable de l'action.")
        if owner_organisation.pk not in _member_organisation_ids(meeting.group):
            raise DomainError("L'organisation responsable doit être membre du groupe de travail.")
        if due_date is None:
            raise DomainError("L'échéance de l'action est obligatoire.")
        if (
            owner_person is not None
            and not owner_person.memberships.filter(organisation=owner_organisation).exists()
        ):
            raise DomainError(f"{owner_person} n'appartient pas à {owner_organisation}.")
        action = Action(
            title=action_title,
            owner_organisation=owner_organisation,
            owner_person=owner_person,
            due_date=due_date,
            group_decision=decision,
            created_by=actor,
        )
        action._change_reason = "Action de suivi décidée en groupe de travail"
        action.save()
    return decision


@transaction.atomic
def group_action_set_status(*, action: Action, actor, status: str) -> Action:
    if action.group_decision_id is None or not predicates.can_update_group_action(actor, action):
        raise DomainError(
            "Seuls l'organisation responsable et l'animateur du groupe mettent à jour l'action."
        )
    if status not in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise DomainError("État d'action inconnu.")
    action = Action.objects.select_for_update(no_key=True).get(pk=action.pk)
    if action.status != ActionStatus.OPEN:
        raise DomainError(f"L'action est déjà « {action.get_status_display()} ».")
    action.status = status
    action._change_reason = f"Action {ActionStatus(status).label.lower()}"
    action.save()
    return action


# --- selectors -------------------------------------------------------------------------------------


def group_actions(*, group: WorkingGroup):
    return (
        Action.objects.filter(group_decision__meeting__group=group)
        .select_related("owner_organisation", "owner_person", "group_decision__meeting")
        .order_by("status", "due_date", "pk")
    )


def my_group_actions(*, user):
    """The open actions of the working groups the user sees, owned by its organisation or by itself."""
    org = organisation_of(user)
    if org is None:
        return Action.objects.none()
    return (
        Action.objects.filter(
            group_decision__meeting__group__in=WorkingGroup.objects.visible_to(user),
            status=ActionStatus.OPEN,
        )
        .filter(Q(owner_organisation=org) | Q(owner_person=user))
        .select_related("owner_organisation", "owner_person", "group_decision__meeting__group")
        .order_by("due_date", "pk")
    )


@dataclass
class SnapshotRow:
    label: str
    section: str
    cell: Cell


def snapshot_rows(snapshot: IndicatorSnapshot) -> list[SnapshotRow]:
    """The frozen figures as cells, the secret statistique applied for **every** reader: the snapshot
    is computed over the metropolis's scope and read by members whose own scope is narrower, so no
    reader gets from it a count below 5 (nor a figure computed from one) that its own dashboard would
    not give it; the metropolis, which computed it, does not see small counts anyway."""
    out = []
    for row in snapshot.rows:
        value = row.get("value")
        if row.get("kind") != registry.COUNT and isinstance(value, str):
            value = Decimal(value)
        hidden = hidden_for(tuple(row.get("bases") or ()))
        out.append(
            SnapshotRow(
                row.get("label", ""),
                registry.SECTION_LABELS.get(row.get("section"), ""),
                Cell(value, row.get("kind"), hidden, "", row.get("unit", "")),
            )
        )
    return out
