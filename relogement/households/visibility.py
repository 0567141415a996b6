"""What of one household file a user may see and change, computed once per page from the predicates."""

from __future__ import annotations

from dataclasses import dataclass

from relogement.permissions import predicates as p

HIDDEN_FOR_PROVIDER = "Information réservée au prestataire social"
HIDDEN_PSEUDONYMISED = "Données pseudonymisées : information non communiquée à votre organisation"
HIDDEN_ROLE = "Information non communiquée à votre organisation"


@dataclass(frozen=True)
class FileVisibility:
    names: bool
    member_details: bool
    resources: bool
    origin_costs: bool
    health: bool
    diagnosis_findings: bool
    diagnosis_conclusions: bool
    support_log: bool
    next_steps: bool
    edit_household: bool
    edit_social: bool
    edit_next_steps: bool
    change_status: bool
    split: bool
    provider_changes: bool
    reassign_provider: bool

    @property
    def members(self) -> bool:
        """Member rows at all: not for the pseudonymised view."""
        return self.names

    @property
    def diagnosis_any(self) -> bool:
        return self.diagnosis_findings or self.diagnosis_conclusions


def visibility_for(user, household) -> FileVisibility:
    return FileVisibility(
        names=p.can_view_names(user, household),
        member_details=p.can_view_member_details(user, household),
        resources=p.can_view_resources(user, household),
        origin_costs=p.can_view_origin_costs(user, household),
        health=p.can_view_health_constraints(user, household),
        diagnosis_findings=p.can_view_social_notes(user, household),
        diagnosis_conclusions=p.can_view_diagnosis_conclusions(user, household),
        support_log=p.can_view_support_log(user, household),
        next_steps=p.can_view_next_steps(user, household),
        edit_household=p.can_edit_household(user, household),
        edit_social=p.can_edit_social_file(user, household),
        edit_next_steps=p.can_edit_next_steps(user, household),
        change_status=p.can_change_status(user, household),
        split=p.can_split_household(user, household),
        provider_changes=p.can_view_provider_changes(user, household),
        reassign_provider=p.can_reassign_provider(user, household),
    )


def display_name(user, household) -> str:
    """The household's name, or its pseudonym where names are hidden."""
    if p.can_view_names(user, household):
        return household.reference_name or household.reference
    return household.pseudonym
