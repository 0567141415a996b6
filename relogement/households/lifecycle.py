"""The household lifecycle: one transition table, one service that applies it and logs it.

The same table is written in docs/lifecycle.md (status before, status after, who, action, case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import ExitReason
from relogement.households.statuses import HouseholdStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    # The kind of rehousing record (rehousing.models.RehousingKind) the action needs: "relogé" or
    # "relogé temporairement" is only ever applied together with the record of where the household went
    # (the proposal chain's move-in, or the direct rehousing form), so that the file and the indicators
    # cannot disagree. Such actions are not offered by the plain lifecycle form.
    needs_rehousing: str = ""
    # Written in docs/lifecycle.md: the business case that triggers the action.
    case: str = ""


_ACTIVE = frozenset({S.TO_DIAGNOSE, S.SEARCHING, S.PROPOSAL_IN_PROGRESS, S.TEMPORARILY_REHOUSED})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "diagnose",
            "Diagnostic réalisé : ouvrir la recherche",
            frozenset({S.TO_DIAGNOSE}),
            S.SEARCHING,
            case="The social diagnosis is done: needs and wishes are known, the search for a dwelling starts.",
        ),
        Transition(
            "start_proposal",
            "Proposition en cours",
            frozenset({S.SEARCHING, S.TEMPORARILY_REHOUSED}),
            S.PROPOSAL_IN_PROGRESS,
            case="A dwelling is proposed to the household (visit, answer, allocation commission pending).",
        ),
        Transition(
            "resume_search",
            "Reprendre la recherche",
            frozenset({S.PROPOSAL_IN_PROGRESS}),
            S.SEARCHING,
            needs_reason=True,
            case="The proposal failed (refusal by the household, CALEOL rejection, offer withdrawn).",
        ),
        Transition(
            "resume_temporary",
            "Retour en relogement provisoire",
            frozenset({S.PROPOSAL_IN_PROGRESS}),
            S.TEMPORARILY_REHOUSED,
            needs_reason=True,
            case="A proposal made to a temporarily rehoused household failed: it stays in its temporary "
            "dwelling and its file stays open until its definitive rehousing.",
        ),
        Transition(
            "rehouse_temporarily",
            "Relogement provisoire",
            frozenset({S.SEARCHING, S.PROPOSAL_IN_PROGRESS}),
            S.TEMPORARILY_REHOUSED,
            needs_rehousing="temporary",
            case="The household moves to a temporary dwelling before its definitive rehousing "
            "(works calendar, right to return).",
        ),
        Transition(
            "rehouse",
            "Relogement définitif",
            frozenset({S.SEARCHING, S.PROPOSAL_IN_PROGRESS, S.TEMPORARILY_REHOUSED}),
            S.REHOUSED,
            needs_rehousing="definitive",
            case="Lease signed and move done in the definitive dwelling.",
        ),
        Transition(
            "start_followup",
            "Ouvrir le suivi post-relogement",
            frozenset({S.REHOUSED}),
            S.POST_REHOUSING_FOLLOWUP,
            case="Post-rehousing follow-up starts (visits and satisfaction survey at 6 and 12 months).",
        ),
        Transition(
            "close",
            "Clore le dossier",
            frozenset({S.REHOUSED, S.POST_REHOUSING_FOLLOWUP}),
            S.CLOSED,
            case="The rehousing and its follow-up are over; the file is closed (retention clock starts).",
        ),
        Transition(
            "exit",
            "Sortie sans relogement",
            _ACTIVE,
            S.EXITED,
            needs_reason=True,
            case="The household leaves the process without being rehoused: self-departure, death, "
            "eviction or other (exit reason compulsory).",
        ),
        Transition(
            "reopen",
            "Rouvrir le dossier (erreur de saisie)",
            frozenset({S.EXITED, S.CLOSED}),
            S.SEARCHING,
            needs_reason=True,
            case="A closed or exited file was closed by mistake, or the household comes back into the "
            "process.",
        ),
    ]
}

# Who may apply the actions from the interface (the service itself is also called by other areas'
# services, e.g. recording a move-in, which check their own rights).
WHO = "Assigned social provider or project office (predicate can_change_status)"


class TransitionNotAllowed(DomainError):
    pass


def allowed_actions(household: Household) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if household.status in t.sources]


def actions_available_to(user, household: Household) -> list[Transition]:
    """The actions the user may apply now to the household with the plain lifecycle form (none without
    the right to change status). Rehousing actions are left out: they go with a rehousing record."""
    from relogement.permissions.predicates import can_change_status

    if not can_change_status(user, household):
        return []
    return [t for t in allowed_actions(household) if not t.needs_rehousing]


def rehousing_actions(household: Household) -> list[Transition]:
    """The rehousing actions possible now (offered through the direct rehousing form)."""
    return [t for t in allowed_actions(household) if t.needs_rehousing]


@transaction.atomic
def household_transition(
    *,
    household: Household,
    action: str,
    actor,
    effective_date: dt.date | None = None,
    reason: str = "",
    exit_reason: str = "",
    rehousing=None,
) -> Household:
    """Apply a lifecycle action, or raise TransitionNotAllowed with a French message; log it.

    A rehousing action needs ``rehousing``: the current record of the right kind, of this household,
    moved in on the effective date (written in the same transaction by the caller)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Action inconnue : « {action} ».")
    household = Household.objects.select_for_update(no_key=True).get(pk=household.pk)
    if household.status not in transition.sources:
        raise TransitionNotAllowed(
            f"Action « {transition.label} » impossible depuis le statut « {household.get_status_display()} »."
        )
    reason = (reason or "").strip()
    if transition.needs_reason and not reason and not exit_reason:
        raise TransitionNotAllowed(f"Un motif est obligatoire pour « {transition.label} ».")
    if transition.target == S.EXITED and exit_reason not in ExitReason.values:
        raise TransitionNotAllowed(
            "Indiquez le motif de sortie (départ autonome, décès, expulsion ou autre)."
        )
    effective_date = effective_date or dt.date.today()
    if transition.needs_rehousing:
        if (
            rehousing is None
            or rehousing.pk is None
            or rehousing.household_id != household.pk
            or rehousing.kind != transition.needs_rehousing
            or rehousing.superseded_on is not None
        ):
            raise TransitionNotAllowed(
                f"« {transition.label} » s'enregistre avec le relogement (logement, commune, date "
                "d'emménagement, loyer) : par l'emménagement d'une proposition ou le formulaire de relogement."
            )
        if rehousing.move_in_date != effective_date:
            raise TransitionNotAllowed("La date d'effet doit être la date d'emménagement du relogement.")
    elif rehousing is not None:
        raise TransitionNotAllowed(f"« {transition.label} » n'enregistre pas de relogement.")
    if effective_date > dt.date.today():
        raise TransitionNotAllowed("La date d'effet ne peut pas être dans le futur.")
    if effective_date < household.census_date:
        raise TransitionNotAllowed("La date d'effet ne peut pas précéder la date de recensement.")
    last = household.status_changes.order_by("-effective_date", "-pk").first()
    if last is not None and effective_date < last.effective_date:
        raise TransitionNotAllowed(
            f"La date d'effet ne peut pas précéder le dernier changement de statut ({last.effective_date:%d/%m/%Y})."
        )
    previous = household.status
    household.status = transition.target
    household.exit_reason = exit_reason if transition.target == S.EXITED else ""
    household.version += 1
    household._change_reason = (reason or transition.label)[:100]
    if actor is not None:
        household._history_user = actor
    household.save(update_fields=["status", "exit_reason", "version", "updated_at"])
    HouseholdStatusChange.objects.create(
        household=household,
        from_status=previous,
        to_status=transition.target,
        effective_date=effective_date,
        reason=reason or (ExitReason(exit_reason).label if exit_reason else ""),
        actor=actor,
    )
    return household
