"""Writes: record a decision on a pair of households, undo it. Atomic; the history rows (simple_history)
are written in the same transaction; nothing is ever deleted and no household data is merged."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.duplicates.models import DecisionKind, DuplicateDecision
from relogement.duplicates.selectors import pair_evidence
from relogement.households.models import Household


def canonical(a: Household, b: Household) -> tuple[Household, Household]:
    return (a, b) if a.pk < b.pk else (b, a)


@transaction.atomic
def duplicate_decide(
    *, household: Household, other: Household, decision: str, actor, comment: str = ""
) -> DuplicateDecision:
    """Record that two households are not the same one, or link their files (each file then shows
    « Dossier lié : … »). The score and reasons the rules give now are copied onto the decision."""
    if household.pk == other.pk:
        raise DomainError("Un dossier ne peut pas être rapproché de lui-même.")
    if decision not in DecisionKind.values:
        raise DomainError("Décision inconnue.")
    low, high = canonical(household, other)
    # Lock the pair's rows so that two simultaneous decisions cannot both pass the check below.
    list(Household.objects.select_for_update(no_key=True).filter(pk__in=[low.pk, high.pk]).values_list("pk"))
    if DuplicateDecision.objects.active().filter(household_low=low, household_high=high).exists():
        raise DomainError(
            "Une décision est déjà en vigueur pour ces deux dossiers : annulez-la d'abord pour en prendre une autre."
        )
    evidence = pair_evidence(low, high)
    try:
        with transaction.atomic():
            row = DuplicateDecision(
                household_low=low,
                household_high=high,
                decision=decision,
                score=evidence.score,
                reasons=" ; ".join(evidence.reasons),
                comment=comment.strip(),
                actor=actor,
            )
            row._history_user = actor
            row.save()
            return row
    except IntegrityError as exc:  # the constraint, if a concurrent decision won the race anyway
        raise DomainError(
            "Une décision vient d'être prise pour ces deux dossiers par une autre personne."
        ) from exc


@transaction.atomic
def duplicate_decision_undo(*, decision: DuplicateDecision, actor, reason: str) -> DuplicateDecision:
    """Reverse a decision: it stays, marked as undone by whom and why; the pair becomes suspected again
    (and may be decided anew)."""
    decision = DuplicateDecision.objects.select_for_update(no_key=True).get(pk=decision.pk)
    if decision.undone_at is not None:
        raise DomainError("Cette décision a déjà été annulée.")
    if not reason.strip():
        raise DomainError("Indiquez le motif de l'annulation.")
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.undo_reason = reason.strip()
    decision._history_user = actor
    decision.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return decision


CENSUS_CONFIRMATION = "Confirmé au recensement : « Ce n'est pas un doublon »."


@transaction.atomic
def duplicates_dismiss_at_census(*, household: Household, actor) -> list[DuplicateDecision]:
    """The census taker ticked « Ce n'est pas un doublon » after seeing the candidates: that answer is
    a decision on each pair it may decide (otherwise the pairs would come back on the new file and on
    the duplicates page, as if nobody had looked). Pairs it may not decide stay suspected."""
    from relogement.duplicates.detection import find_possible_duplicates
    from relogement.permissions.predicates import can_decide_duplicate

    members = household.members.values_list("last_name", "first_name", "birth_date")
    candidates = find_possible_duplicates(
        viewer=actor,
        sne_number=household.sne_number,
        members=list(members),
        origin_dwelling_id=household.origin_dwelling_id,
        exclude_household_id=household.pk,
    )
    decisions = []
    for candidate in candidates:
        if not can_decide_duplicate(actor, household, candidate.household):
            continue
        low, high = canonical(household, candidate.household)
        if DuplicateDecision.objects.active().filter(household_low=low, household_high=high).exists():
            continue
        decisions.append(
            duplicate_decide(
                household=household,
                other=candidate.household,
                decision=DecisionKind.NOT_DUPLICATE,
                actor=actor,
                comment=CENSUS_CONFIRMATION,
            )
        )
    return decisions
