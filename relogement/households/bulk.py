"""Actions on several households ticked in the list (issue 18, point 3), beyond the referent
(``services.referent_assign_bulk``): plan a next step, assign a social provider, bring the households
to the next committee (their provider's flag) or put them on a planned committee's agenda (its
secretary).

Each is all or nothing: one transaction, the households locked in id order, the permission checked on
each household with the predicate of the one-household action, then the one-household service called
for each (its checks, its history). The first refusal rolls everything back and says which household
and why, in French. Households outside the user's perimeter never reach these functions (the views
answer 404), and are refused here again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.households import reassignment, services
from relogement.households.models import Household
from relogement.permissions import predicates

MAX_HOUSEHOLDS = 500


def _households(actor, household_ids: Sequence[int]) -> list[Household]:
    ids = sorted({int(pk) for pk in household_ids})
    if not ids:
        raise DomainError("Sélectionnez au moins un ménage.")
    if len(ids) > MAX_HOUSEHOLDS:
        raise DomainError(f"Sélectionnez au plus {MAX_HOUSEHOLDS} ménages à la fois.")
    households = list(
        Household.objects.visible_to(actor)
        .select_for_update(of=("self",), no_key=True)
        .select_related("project", "social_provider")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(households) != len(ids):
        raise DomainError("Certains ménages sélectionnés ne font pas partie de votre périmètre.")
    return households


def _refused(household: Household, message: str) -> DomainError:
    return DomainError(f"{household.reference} : {message} Aucun ménage n'a été modifié.")


def _each(households: list[Household], *, allowed, refusal: str, apply) -> int:
    """Every household checked (``allowed``, else ``refusal``) before any is changed, then ``apply``
    to each; a refusal of the service names its household. Within the caller's transaction."""
    for household in households:
        if not allowed(household):
            raise _refused(household, refusal)
    for household in households:
        try:
            apply(household)
        except DomainError as exc:
            raise _refused(household, exc.message) from exc
    return len(households)


@transaction.atomic
def next_step_plan_bulk(*, household_ids: Sequence[int], title: str, due_date: dt.date | None, actor) -> int:
    """The same next step (title, due date) planned on each household; unassigned (each household's
    referent or provider takes it)."""
    return _each(
        _households(actor, household_ids),
        allowed=lambda household: predicates.can_edit_next_steps(actor, household),
        refusal="vous ne pouvez pas planifier d'étape pour ce ménage.",
        apply=lambda household: services.next_step_add(
            household=household, title=title, due_date=due_date, actor=actor
        ),
    )


@transaction.atomic
def provider_assign_bulk(
    *, household_ids: Sequence[int], provider, hand_over_social_file: bool, reason: str, actor
) -> int:
    """Each household moved to ``provider`` (``reassignment.household_reassign_provider``: referent
    cleared, notes handed over or not, one change recorded per household)."""
    return _each(
        _households(actor, household_ids),
        allowed=lambda household: predicates.can_reassign_provider(actor, household),
        refusal="vous ne pouvez pas changer le prestataire social de ce ménage.",
        apply=lambda household: reassignment.household_reassign_provider(
            household=household,
            provider=provider,
            hand_over_social_file=hand_over_social_file,
            reason=reason,
            actor=actor,
        ),
    )


@transaction.atomic
def committee_flag_bulk(*, household_ids: Sequence[int], reason: str, actor) -> int:
    """« À présenter en comité » on each household (``governance.services.committee_flag``): the
    agenda of the project's next committee takes the flagged households."""
    from relogement.governance.services import committee_flag

    return _each(
        _households(actor, household_ids),
        allowed=lambda household: predicates.can_flag_for_committee(actor, household),
        refusal="seul le prestataire social du ménage peut le présenter en comité.",
        apply=lambda household: committee_flag(household=household, actor=actor, reason=reason),
    )


@transaction.atomic
def agenda_add_bulk(*, household_ids: Sequence[int], committee, actor) -> int:
    """Each household put on the agenda of ``committee`` (``governance.services.committee_case_add``:
    its secretary only, while the committee is planned, households of its project)."""
    from relogement.governance.models import SessionStatus
    from relogement.governance.services import committee_case_add

    if not predicates.can_run_committee(actor, committee):
        raise DomainError("Seul le secrétariat du comité (l'organisation qui l'a planifié) peut le modifier.")
    if committee.status != SessionStatus.PLANNED:
        raise DomainError(
            "L'ordre du jour ne change plus une fois la séance tenue. Aucun ménage n'a été modifié."
        )
    return _each(
        _households(actor, household_ids),
        allowed=lambda household: household.project_id == committee.project_id,
        refusal=f"il n'appartient pas au projet du comité ({committee.project.name}).",
        apply=lambda household: committee_case_add(committee=committee, household=household, actor=actor),
    )
