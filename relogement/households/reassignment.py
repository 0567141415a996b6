"""Change of a household's social provider by the project office, with or without handing the social
file over (docs/household-file.md, docs/personal-data.md §2).

Social notes stay with the organisation that holds them (permissions.predicates.can_view_social_note):
a change of provider without handover leaves them with the outgoing provider, which no longer reaches
the household, so the incoming provider starts an empty social file. Handing the file over passes
every note the outgoing provider holds (support log, diagnosis findings, health note) to the incoming
one. Either way the change is logged (``ProviderReassignment``: date, person, from, to, handover,
reason) and the household's history records it.
"""

from __future__ import annotations

from django.db import transaction

from relogement.accounts.models import Membership, Organisation, OrganisationKind
from relogement.core.errors import DomainError
from relogement.households import validation as v
from relogement.households.models import (
    Household,
    NextStep,
    ProviderReassignment,
    SocialDiagnosis,
    SupportLogEntry,
)
from relogement.households.services import _child_saved, _lock, _save_file
from relogement.households.statuses import HouseholdStatus

HANDOVER_REASON = "Dossier social transmis"
# Files that are over: their provider no longer changes (reopen them first).
_ENDED = {HouseholdStatus.CLOSED, HouseholdStatus.EXITED}


def provider_choices(household: Household):
    """The social providers acting on the household's project, other than its current one."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL_PROVIDER, projects=household.project_id)
        .exclude(pk=household.social_provider_id)
        .order_by("name")
    )


def _state_blocker(household: Household) -> str | None:
    if household.anonymised_on is not None:
        return "Ce dossier est anonymisé : son prestataire social ne change plus."
    if household.status in _ENDED:
        return (
            f"Ce dossier est terminé (« {household.get_status_display()} ») : "
            "rouvrez-le avant de changer de prestataire social."
        )
    return None


def reassignment_blocker(household: Household) -> str | None:
    """Why the household's provider cannot be changed now (French), or None: the file page says so
    instead of offering a form that could only be refused."""
    blocker = _state_blocker(household)
    if blocker is None and not provider_choices(household).exists():
        blocker = (
            f"Aucun autre prestataire social n'intervient sur le projet « {household.project.name} » : "
            "le prestataire ne peut pas être changé."
        )
    return blocker


def _validate(household: Household, provider: Organisation | None) -> None:
    if blocker := _state_blocker(household):
        raise DomainError(blocker)
    if provider is None:
        raise DomainError("Choisissez le nouveau prestataire social.")
    if provider.kind != OrganisationKind.SOCIAL_PROVIDER:
        raise DomainError(f"« {provider.name} » n'est pas un prestataire social.")
    if provider.pk == household.social_provider_id:
        raise DomainError(f"Le ménage est déjà suivi par « {provider.name} ».")
    if not provider.projects.filter(pk=household.project_id).exists():
        raise DomainError(
            f"Le prestataire « {provider.name} » n'intervient pas sur le projet "
            f"« {household.project.name} » : choisissez un prestataire du projet."
        )


def _hand_over(household: Household, previous_id: int | None, provider: Organisation, actor) -> list[str]:
    """Every note the outgoing provider holds passes to the incoming one (each with its history row)."""
    held = {"holder__isnull": True} if previous_id is None else {"holder_id": previous_id}
    from relogement.documents.kinds import SOCIAL_KINDS
    from relogement.documents.models import HouseholdDocument

    social_documents = HouseholdDocument.objects.filter(kind__in=SOCIAL_KINDS)
    for queryset in (SupportLogEntry.objects, SocialDiagnosis.objects, social_documents):
        for note in queryset.filter(household=household, **held).order_by("pk"):
            note.holder = provider
            _child_saved(note, actor, HANDOVER_REASON)
    if household.health_note_holder_id == previous_id:
        household.health_note_holder = provider
        return ["health_note_holder"]
    return []


def _release_steps(household: Household, provider: Organisation, actor) -> None:
    """Open steps assigned to a person of another organisation fall back to the household's referent
    (none yet): that person no longer reaches the household."""
    staff = Membership.objects.filter(organisation=provider).values("user_id")
    open_steps = NextStep.objects.filter(household=household, done_on__isnull=True, assignee__isnull=False)
    for step in open_steps.exclude(assignee__in=staff).order_by("pk"):
        step.assignee = None
        _child_saved(step, actor, "Étape libérée (changement de prestataire)")


@transaction.atomic
def household_reassign_provider(
    *,
    household: Household,
    provider: Organisation | None,
    hand_over_social_file: bool,
    reason: str,
    actor,
    expected_version: int | None = None,
) -> ProviderReassignment:
    """Assign the household to another social provider of its project.

    The referent (a social worker of the outgoing provider) is cleared, as are the assignees of open
    next steps who do not belong to the incoming provider. With ``hand_over_social_file`` the notes the
    outgoing provider holds pass to the incoming one; without it they stay with it."""
    locked = _lock(household, expected_version)
    _validate(locked, provider)
    reason = v.required_text(reason, "Le motif du changement de prestataire")
    previous = locked.social_provider
    fields = ["social_provider", "referent"]
    if hand_over_social_file:
        fields += _hand_over(locked, locked.social_provider_id, provider, actor)
    _release_steps(locked, provider, actor)
    locked.social_provider = provider
    locked.referent = None
    handover = "dossier social transmis" if hand_over_social_file else "dossier social non transmis"
    # The handover first: the history keeps 100 characters of a reason, long names come last.
    _save_file(
        locked,
        actor,
        f"Changement de prestataire ({handover}) : {previous.name if previous else 'aucun'} → {provider.name}",
        fields,
    )
    return ProviderReassignment.objects.create(
        household=locked,
        from_provider=previous,
        to_provider=provider,
        social_file_handed_over=hand_over_social_file,
        reason=reason,
        actor=actor,
    )
