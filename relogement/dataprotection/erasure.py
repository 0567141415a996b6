"""Erasure on request (art. 17 RGPD): the household's file is anonymised now, as the retention would
do two years after the last contact (``households.retention.household_anonymise``, the same code),
unless a legal reason requires keeping it.

The reasons, read from the data (docs/personal-data.md, *Erasure on request*):

- the file is already anonymised;
- the rehousing is under way (status other than *closed* or *exited*): the landlord's legal duty to
  rehouse (CCH L.353-15, L.442-6) and the project's public-interest task need the file (art. 17.3.b);
- a proposal is alive (positioned, notified, accepted, allocated, postponed, lease signed): the
  allocation procedure rests on it (art. 17.3.b);
- a rehousing is not finished: a move-in planned after today, or a temporary rehousing with a right
  to return and no definitive rehousing yet (the commitment to rehouse, art. 17.3.b);
- the offers record proves a loss of the right to stay (CCH L.442-6 II: compliant offers refused up
  to the project's number, no definitive rehousing since): kept for the civil limitation period
  (5 years, Code civil art. 2224) after the loss, for a possible dispute (art. 17.3.b and e);
- the household left by eviction less than 5 years ago: a judicial procedure (art. 17.3.e).

A dispute or a complaint that the application does not record cannot be checked: the DPO confirms
that none is pending. The erasure, its checks and its log (``ErasureRecord``: who, when, for which
organisation, the request's date and grounds) are one transaction on the locked household.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.dataprotection.models import ErasureRecord
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.retention import ENDED_STATUSES, ON_REQUEST_REASON, household_anonymise
from relogement.households.statuses import ExitReason, HouseholdStatus
from relogement.offers.offer_rules import add_months, offer_count
from relogement.offers.proposal_states import ACTIVE
from relogement.permissions.scopes import organisation_of
from relogement.rehousing.models import RehousingKind

LITIGATION_YEARS = 5  # Code civil art. 2224: personal actions are time-barred after five years.


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    basis: str


def _limitation_end(day: dt.date) -> dt.date:
    return add_months(day, 12 * LITIGATION_YEARS)


def erasure_blockers(household: Household, *, today: dt.date) -> list[Blocker]:
    """The legal reasons that forbid erasing ``household`` on ``today`` (module docstring); none: it
    may be erased."""
    if household.anonymised_on is not None:
        return [
            Blocker(
                "already_anonymised",
                f"Le dossier a déjà été anonymisé le {household.anonymised_on:%d/%m/%Y}.",
                "Il ne contient plus de nom ni de note.",
            )
        ]
    blockers = []
    if household.status not in ENDED_STATUSES:
        blockers.append(
            Blocker(
                "active_file",
                f"Le relogement du ménage est en cours (statut « {household.get_status_display()} »).",
                "Obligation légale de relogement du bailleur (CCH L.353-15 et L.442-6) et mission "
                "d'intérêt public du projet : art. 17.3.b RGPD. Clore le dossier ou enregistrer la "
                "sortie du ménage avant de l'effacer.",
            )
        )
    alive = list(household.proposals.filter(status__in=ACTIVE).order_by("pk"))
    if alive:
        states = ", ".join(sorted({p.get_status_display() for p in alive}))
        blockers.append(
            Blocker(
                "proposal_in_progress",
                f"{len(alive)} proposition(s) de logement en cours ({states}).",
                "La procédure d'attribution (CALEOL) et la signature du bail reposent sur ce "
                "dossier : art. 17.3.b RGPD. Clore ou retirer la proposition d'abord.",
            )
        )
    rehousings = list(household.rehousings.order_by("move_in_date", "pk"))
    planned = [r for r in rehousings if r.move_in_date > today]
    if planned:
        blockers.append(
            Blocker(
                "rehousing_planned",
                f"Un emménagement est prévu le {planned[0].move_in_date:%d/%m/%Y}.",
                "Le relogement n'est pas terminé : art. 17.3.b RGPD.",
            )
        )
    definitive = any(r.kind == RehousingKind.DEFINITIVE for r in rehousings)
    if not definitive and any(r.kind == RehousingKind.TEMPORARY and r.right_to_return for r in rehousings):
        blockers.append(
            Blocker(
                "right_to_return",
                "Le ménage est relogé provisoirement avec un droit au retour sur site, sans relogement "
                "définitif à ce jour.",
                "Engagement de relogement définitif pris envers le ménage : art. 17.3.b RGPD.",
            )
        )
    if not definitive:
        count = offer_count(household)
        lost_on = count.right_to_stay_lost_on
        if lost_on is not None and today < _limitation_end(lost_on):
            blockers.append(
                Blocker(
                    "offer_record",
                    f"Le ménage a refusé {count.refused_compliant_count} offre(s) conforme(s) sur "
                    f"{count.required} : perte du droit au maintien dans les lieux le {lost_on:%d/%m/%Y} "
                    f"({count.basis}).",
                    "Le relevé des offres prouve l'obligation d'offres du bailleur et la perte du droit "
                    f"au maintien dans les lieux ; il est conservé {LITIGATION_YEARS} ans (prescription, "
                    f"art. 2224 du Code civil), soit jusqu'au {_limitation_end(lost_on):%d/%m/%Y} : "
                    "art. 17.3.b et 17.3.e RGPD.",
                )
            )
        met_on = count.obligation_met_on
        if lost_on is None and met_on is not None and not count.exception and today < _limitation_end(met_on):
            # A rule without clock (C. urb. L.314-2): the record proves the obligation of offers was
            # met, evidence before the expropriation judge.
            blockers.append(
                Blocker(
                    "offer_record",
                    f"Le ménage a refusé {count.refused_compliant_count} offre(s) conforme(s) sur "
                    f"{count.required} : obligation d'offres remplie le {met_on:%d/%m/%Y} ({count.basis}).",
                    "Le relevé des offres prouve que l'obligation de relogement a été remplie ; il est "
                    f"conservé {LITIGATION_YEARS} ans (prescription, art. 2224 du Code civil), soit jusqu'au "
                    f"{_limitation_end(met_on):%d/%m/%Y} : art. 17.3.b et 17.3.e RGPD.",
                )
            )
    if household.status == HouseholdStatus.EXITED and household.exit_reason == ExitReason.EVICTION:
        exit_change = (
            HouseholdStatusChange.objects.filter(household=household, to_status=HouseholdStatus.EXITED)
            .order_by("-effective_date", "-pk")
            .first()
        )
        exited_on = exit_change.effective_date if exit_change else household.census_date
        if today < _limitation_end(exited_on):
            blockers.append(
                Blocker(
                    "eviction",
                    f"Le ménage est sorti par expulsion le {exited_on:%d/%m/%Y}.",
                    "Procédure judiciaire : données nécessaires à la constatation, à l'exercice ou à la "
                    f"défense de droits en justice pendant {LITIGATION_YEARS} ans (art. 2224 du Code "
                    f"civil), soit jusqu'au {_limitation_end(exited_on):%d/%m/%Y} : art. 17.3.e RGPD.",
                )
            )
    return blockers


class ErasureRefused(DomainError):
    """The erasure is refused for legal reasons: ``blockers`` lists them."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__(
            "Effacement impossible : "
            + " ".join(blocker.message for blocker in blockers)
            + " Rien n'a été effacé."
        )
        self.blockers = blockers


@transaction.atomic
def household_erase(
    *, household: Household, reason: str, requested_on: dt.date, no_dispute: bool, actor
) -> ErasureRecord:
    """Anonymise ``household`` now at the household's request, and log it; refused (``DomainError``,
    nothing changed) without grounds, with a request date after today, without the DPO's
    confirmation that no dispute is pending, or when a legal reason requires keeping the file."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    if not reason:
        raise DomainError("Indiquez le motif de la demande d'effacement (sans recopier de nom).")
    if requested_on is None or requested_on > today:
        raise DomainError("La date de la demande doit être aujourd'hui ou une date passée.")
    if not no_dispute:
        raise DomainError(
            "Confirmez qu'aucune réclamation ni aucun contentieux en cours n'impose de conserver ce "
            "dossier : l'application ne les enregistre pas."
        )
    # Locked and read again: a proposal or a reopening may have happened since the page was shown.
    locked = Household.objects.select_for_update(of=("self",)).select_related("project").get(pk=household.pk)
    blockers = erasure_blockers(locked, today=today)
    if blockers:
        raise ErasureRefused(blockers)
    reference = locked.reference
    household_anonymise(household=locked, today=today, actor=actor, reason=ON_REQUEST_REASON)
    return ErasureRecord.objects.create(
        household=locked,
        reference=reference,
        reason=reason,
        requested_on=requested_on,
        actor=actor,
        organisation=organisation_of(actor),
    )
