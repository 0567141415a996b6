"""Writes on offers and proposals. Every function is atomic, checks the actor's right, validates the
dates, logs the transition and keeps the offer's and the household's statuses in step.

The proposal workflow is the table of ``proposal_states``; docs/proposals.md is its written form.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from relogement.core.errors import DomainError
from relogement.households.lifecycle import TRANSITIONS, household_transition
from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.offers import proposal_states
from relogement.offers.models import (
    Answer,
    CommissionDecision,
    HousingOffer,
    OfferStatus,
    Proposal,
    ProposalStatus,
    ProposalTransition,
    RefusalReason,
)
from relogement.offers.wishes import broken_wishes
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind

OFFER_FIELDS = [
    "reference",
    "address",
    "commune",
    "in_qpv",
    "dwelling_type",
    "living_area",
    "floor",
    "has_lift",
    "accessible",
    "is_house",
    "rent",
    "charges",
    "financing",
    "stock_kind",
    "commissioning_date",
    "reservation_holder",
    "available_from",
]

POSITIONABLE_HOUSEHOLD_STATUSES = {
    HouseholdStatus.SEARCHING,
    HouseholdStatus.PROPOSAL_IN_PROGRESS,
    HouseholdStatus.TEMPORARILY_REHOUSED,
}


class ProposalError(DomainError):
    pass


def rehousing_stock(offer) -> str:
    """The rehousing record's stock, from the offer's stock kind (social without an offer)."""
    from relogement.benefits.stock import StockKind

    kind = offer.stock_kind if offer is not None else StockKind.SOCIAL
    if kind in (StockKind.PRIVATE_UNFURNISHED, StockKind.PRIVATE_FURNISHED):
        return HousingStock.PRIVATE
    if kind == StockKind.FOYER:
        return HousingStock.INSTITUTION
    return HousingStock.SOCIAL


def _today() -> dt.date:
    return dt.date.today()


# --- dates ------------------------------------------------------------------------------------------


def _past(day: dt.date | None, label: str) -> dt.date:
    if day is None:
        raise ProposalError(f"La {label} est obligatoire.")
    if day > _today():
        raise ProposalError(f"La {label} ne peut pas être dans le futur.")
    return day


def _not_before(day: dt.date, ref: dt.date | None, label: str, ref_label: str) -> None:
    if ref is not None and day < ref:
        raise ProposalError(
            f"La {label} ({day:%d/%m/%Y}) ne peut pas précéder la {ref_label} ({ref:%d/%m/%Y})."
        )


# --- offers -----------------------------------------------------------------------------------------


def _check_offer_values(data: dict) -> None:
    for name, message in (
        ("rent", "Le loyer ne peut pas être négatif."),
        ("charges", "Les charges ne peuvent pas être négatives."),
        ("living_area", "La surface ne peut pas être négative."),
    ):
        value = data.get(name)
        if value is not None and Decimal(value) < 0:
            raise DomainError(message)
    if data.get("living_area") is not None and Decimal(data["living_area"]) == 0:
        raise DomainError("La surface habitable doit être positive.")
    commissioning = data.get("commissioning_date")
    if commissioning is not None and commissioning > _today() + dt.timedelta(days=5 * 366):
        raise DomainError("La date de mise en service est trop lointaine.")


@transaction.atomic
def offer_publish(*, actor, data: dict) -> HousingOffer:
    """A landlord agent publishes an offer for its organisation."""
    if not predicates.can_manage_offers(actor):
        raise DomainError("Seul un bailleur peut publier une offre de logement.")
    _check_offer_values(data)
    offer = HousingOffer(landlord=organisation_of(actor), status=OfferStatus.AVAILABLE)
    for name in OFFER_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    offer._change_reason = "Publication de l'offre"
    offer.save()
    return offer


def _lock_own_offer(offer: HousingOffer, actor) -> HousingOffer:
    if not predicates.can_manage_offers(actor) or offer.landlord_id != organisation_of(actor).pk:
        raise DomainError("Seul le bailleur de l'offre peut la modifier.")
    return HousingOffer.objects.select_for_update(no_key=True).get(pk=offer.pk)


@transaction.atomic
def offer_update(*, offer: HousingOffer, actor, data: dict) -> HousingOffer:
    offer = _lock_own_offer(offer, actor)
    if offer.status in (OfferStatus.LET, OfferStatus.WITHDRAWN):
        raise DomainError(f"Une offre « {offer.get_status_display()} » ne peut plus être modifiée.")
    _check_offer_values(data)
    for name in OFFER_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    offer._change_reason = "Modification de l'offre"
    offer.save()
    return offer


@transaction.atomic
def offer_withdraw(*, offer: HousingOffer, actor, reason: str) -> HousingOffer:
    """Withdraw an offer; its open proposals are withdrawn with it (households back to their search)."""
    offer = _lock_own_offer(offer, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez le motif du retrait de l'offre.")
    if offer.status in (OfferStatus.LET, OfferStatus.WITHDRAWN):
        raise DomainError(f"Une offre « {offer.get_status_display()} » ne peut pas être retirée.")
    if offer.proposals.filter(
        status__in=[ProposalStatus.COMMISSION_ALLOCATED, ProposalStatus.LEASE_SIGNED]
    ).exists():
        raise DomainError("L'offre est attribuée en CALEOL : retirez d'abord l'attribution.")
    rule = proposal_states.RULES["withdraw"]
    for proposal in offer.proposals.filter(status__in=rule.sources):
        _apply(proposal, "withdraw", actor, f"Offre retirée par le bailleur : {reason}", check_actor=False)
        _resume_search_if_idle(proposal.household_id, actor, _today(), f"Offre retirée : {reason}")
    offer.status = OfferStatus.WITHDRAWN
    offer._change_reason = f"Retrait : {reason}"
    offer.save(update_fields=["status"])
    return offer


def _sync_offer_status(offer_id: int | None) -> None:
    """available / positioned / reserved follow the offer's proposals; let and withdrawn are final."""
    if offer_id is None:
        return
    offer = HousingOffer.objects.select_for_update(no_key=True).get(pk=offer_id)
    if offer.status in (OfferStatus.LET, OfferStatus.WITHDRAWN):
        return
    statuses = set(offer.proposals.values_list("status", flat=True))
    if statuses & {ProposalStatus.COMMISSION_ALLOCATED, ProposalStatus.LEASE_SIGNED}:
        new = OfferStatus.RESERVED
    elif statuses & proposal_states.ACTIVE:
        new = OfferStatus.POSITIONED
    else:
        new = OfferStatus.AVAILABLE
    if new != offer.status:
        offer.status = new
        offer._change_reason = "Suivi des propositions"
        offer.save(update_fields=["status"])


# --- proposals --------------------------------------------------------------------------------------


def _apply(proposal: Proposal, action: str, actor, reason: str = "", *, check_actor: bool = True) -> Proposal:
    """Move the (locked) proposal along the table and log the transition; raise otherwise."""
    rule = proposal_states.RULES[action]
    if check_actor and not rule.allowed(actor):
        raise ProposalError(f"Vous n'avez pas le droit d'effectuer « {rule.label} ».")
    if proposal.status not in rule.sources:
        raise ProposalError(
            f"« {rule.label} » est impossible pour une proposition à l'état « {proposal.get_status_display()} »."
        )
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise ProposalError(f"Un motif est obligatoire pour « {rule.label} ».")
    previous = proposal.status
    proposal.status = rule.target
    proposal._change_reason = reason or rule.label
    proposal.save()
    ProposalTransition.objects.create(
        proposal=proposal, from_status=previous, to_status=rule.target, reason=reason, actor=actor
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",), no_key=True)
        .select_related("household", "offer")
        .get(pk=proposal.pk)
    )


def _resume_search_if_idle(household_id: int, actor, day: dt.date, reason: str) -> None:
    """After a refusal, a withdrawal or a CALEOL rejection, the household goes back to its search when
    no other notified proposal is still running."""
    household = Household.objects.get(pk=household_id)
    if household.status != HouseholdStatus.PROPOSAL_IN_PROGRESS:
        return
    if household.proposals.filter(status__in=proposal_states.IN_PROGRESS).exists():
        return
    # A household already in a temporary dwelling goes back there, not to the search list.
    temporary = household.rehousings.current().filter(kind=RehousingKind.TEMPORARY).exists()
    household_transition(
        household=household,
        action="resume_temporary" if temporary else "resume_search",
        actor=actor,
        effective_date=day,
        reason=reason,
    )


@transaction.atomic
def proposal_position(
    *, offer: HousingOffer, household: Household, actor, wishes_reason: str = "", after=None
) -> Proposal:
    """Position a household (already fetched through the actor's scope) on an offer.

    An offer that contradicts the household's wishes (commune, typology, maximum residual rent:
    ``offers.wishes``) is positioned only with ``wishes_reason``, kept in the history and in the first
    transition together with the wishes it breaks. ``after``: the residual rent estimate already
    computed for the page (else computed here when the household states a maximum)."""
    if not predicates.can_position_households(actor):
        raise ProposalError("Seuls le bureau d'étude et les travailleurs sociaux positionnent des ménages.")
    offer = HousingOffer.objects.select_for_update(no_key=True).get(pk=offer.pk)
    if offer.status not in (OfferStatus.AVAILABLE, OfferStatus.POSITIONED):
        raise ProposalError(
            f"Impossible de positionner un ménage sur une offre « {offer.get_status_display()} »."
        )
    household = Household.objects.select_for_update(no_key=True).get(pk=household.pk)
    if household.status not in POSITIONABLE_HOUSEHOLD_STATUSES:
        raise ProposalError(
            f"Un ménage au statut « {household.get_status_display()} » ne peut pas être positionné."
        )
    if household.proposals.filter(offer=offer, status__in=proposal_states.ACTIVE).exists():
        raise ProposalError("Ce ménage est déjà positionné sur cette offre.")
    broken = broken_wishes(household, offer, after=after)
    reason = ""
    if broken:
        wishes_reason = " ".join((wishes_reason or "").split())
        if not wishes_reason:
            raise ProposalError(
                "Cette offre contredit les souhaits du ménage ("
                + " ; ".join(str(b) for b in broken)
                + ") : confirmez le positionnement en indiquant un motif."
            )
        reason = f"Positionnement contraire aux souhaits ({' ; '.join(str(b) for b in broken)}). Motif : {wishes_reason}"
        reason = reason[:2000]
    proposal = Proposal(
        household=household, offer=offer, positioned_by=actor, status=ProposalStatus.POSITIONED
    )
    proposal._change_reason = (
        f"{proposal_states.POSITION_LABEL} — {reason}" if reason else proposal_states.POSITION_LABEL
    )[:100]
    proposal.save()
    ProposalTransition.objects.create(
        proposal=proposal, from_status="", to_status=ProposalStatus.POSITIONED, actor=actor, reason=reason
    )
    _sync_offer_status(offer.pk)
    return proposal


def _copy_snapshot(proposal: Proposal, offer: HousingOffer) -> None:
    proposal.landlord_name = offer.landlord.name
    proposal.commune_id = offer.commune_id
    proposal.dwelling_type = offer.dwelling_type
    proposal.living_area = offer.living_area
    proposal.rent = offer.rent
    proposal.charges = offer.charges
    proposal.in_qpv = offer.in_qpv
    proposal.stock_kind = offer.stock_kind


@transaction.atomic
def proposal_notify(
    *,
    proposal: Proposal,
    actor,
    notified_date: dt.date,
    visit_date: dt.date | None = None,
    answer_deadline: dt.date | None = None,
    is_compliant: bool | None = None,
    compliance_note: str = "",
) -> Proposal:
    """Notify the proposal: the dwelling is copied onto it, the household is in "proposition en cours".

    ``is_compliant`` None means: take the default of the needs-and-means checks.
    """
    proposal = _lock(proposal)
    if proposal.household.status not in POSITIONABLE_HOUSEHOLD_STATUSES:
        raise ProposalError(
            f"Un ménage au statut « {proposal.household.get_status_display()} » ne peut pas recevoir de proposition."
        )
    _past(notified_date, "date de notification")
    if answer_deadline is not None:
        _not_before(answer_deadline, notified_date, "date limite de réponse", "date de notification")
    if proposal.offer is not None:
        _copy_snapshot(proposal, proposal.offer)
    if is_compliant is None or not compliance_note:
        from relogement.offers.compliance import compliance_note as note_of
        from relogement.offers.compliance import default_compliance
        from relogement.offers.residual_rent import estimate_for_offer

        estimate = estimate_for_offer(proposal.household, proposal.offer) if proposal.offer else None
        default, checks = default_compliance(
            proposal.household,
            dwelling_type=proposal.dwelling_type,
            living_area=proposal.living_area,
            offer=proposal.offer,
            estimate=estimate,
        )
        if is_compliant is None:
            is_compliant = default
        compliance_note = compliance_note or note_of(checks)
    proposal.notified_date = notified_date
    proposal.visit_date = visit_date
    proposal.answer_deadline = answer_deadline
    proposal.is_compliant = is_compliant
    proposal.compliance_note = compliance_note
    _apply(proposal, "notify", actor)
    household = proposal.household
    if household.status in (HouseholdStatus.SEARCHING, HouseholdStatus.TEMPORARILY_REHOUSED):
        household_transition(
            household=household,
            action="start_proposal",
            actor=actor,
            effective_date=notified_date,
            reason=f"Proposition notifiée : {proposal.offer or proposal.dwelling_type}",
        )
    return proposal


@transaction.atomic
def proposal_set_compliance(*, proposal: Proposal, actor, is_compliant: bool, note: str) -> Proposal:
    """Correct the compliance of a notified proposal (it decides whether the offer counts)."""
    if not predicates.can_position_households(actor):
        raise ProposalError("Seuls le bureau d'étude et les travailleurs sociaux qualifient les offres.")
    proposal = _lock(proposal)
    if proposal.notified_date is None:
        raise ProposalError("La conformité se qualifie sur une proposition notifiée.")
    note = (note or "").strip()
    if not note:
        raise ProposalError("Justifiez la conformité retenue.")
    proposal.is_compliant = is_compliant
    proposal.compliance_note = note
    proposal._change_reason = f"Conformité : {'oui' if is_compliant else 'non'}"
    proposal.save(update_fields=["is_compliant", "compliance_note"])
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, answer_date: dt.date) -> Proposal:
    proposal = _lock(proposal)
    _past(answer_date, "date de réponse")
    _not_before(answer_date, proposal.notified_date, "date de réponse", "date de notification")
    proposal.answer = Answer.ACCEPTED
    proposal.answer_date = answer_date
    return _apply(proposal, "accept", actor)


@transaction.atomic
def proposal_refuse(
    *,
    proposal: Proposal,
    actor,
    answer_date: dt.date,
    refusal_reason: RefusalReason | None,
    comment: str = "",
) -> Proposal:
    """The household refuses: the reason is compulsory and its label is copied onto the proposal."""
    proposal = _lock(proposal)
    if refusal_reason is None:
        raise ProposalError("Un refus doit être motivé : choisissez un motif de refus.")
    if not refusal_reason.active:
        raise ProposalError("Ce motif de refus n'est plus proposé.")
    _past(answer_date, "date de réponse")
    _not_before(answer_date, proposal.notified_date, "date de réponse", "date de notification")
    proposal.answer = Answer.REFUSED
    proposal.answer_date = answer_date
    proposal.refusal_reason = refusal_reason
    text = refusal_reason.label + (f" — {comment.strip()}" if comment and comment.strip() else "")
    proposal.refusal_reason_text = text[:250]
    _apply(proposal, "refuse", actor, text)
    _sync_offer_status(proposal.offer_id)
    _resume_search_if_idle(proposal.household_id, actor, answer_date, f"Refus : {refusal_reason.label}")
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor, reason: str) -> Proposal:
    proposal = _lock(proposal)
    _apply(proposal, "withdraw", actor, reason)
    _sync_offer_status(proposal.offer_id)
    if proposal.notified_date is not None:
        _resume_search_if_idle(
            proposal.household_id, actor, _today(), f"Proposition retirée : {reason.strip()}"
        )
    return proposal


@transaction.atomic
def proposal_record_commission(
    *, proposal: Proposal, actor, decision: str, commission_date: dt.date, reason: str = ""
) -> Proposal:
    """The CALEOL decision: allocated, rejected (motivated) or postponed."""
    actions = {
        CommissionDecision.ALLOCATED: "allocate",
        CommissionDecision.REJECTED: "reject",
        CommissionDecision.POSTPONED: "postpone",
    }
    if decision not in actions:
        raise ProposalError("Décision de CALEOL inconnue.")
    proposal = _lock(proposal)
    _past(commission_date, "date de CALEOL")
    _not_before(commission_date, proposal.answer_date, "date de CALEOL", "date de réponse du ménage")
    _not_before(commission_date, proposal.commission_date, "date de CALEOL", "date de la CALEOL précédente")
    if decision == CommissionDecision.ALLOCATED and proposal.offer_id:
        taken = (
            Proposal.objects.filter(offer_id=proposal.offer_id)
            .exclude(pk=proposal.pk)
            .filter(
                status__in=[
                    ProposalStatus.COMMISSION_ALLOCATED,
                    ProposalStatus.LEASE_SIGNED,
                    ProposalStatus.MOVED_IN,
                ]
            )
        )
        HousingOffer.objects.select_for_update(no_key=True).get(pk=proposal.offer_id)
        if taken.exists():
            raise ProposalError("Ce logement est déjà attribué à un autre ménage.")
    proposal.commission_date = commission_date
    proposal.commission_decision = decision
    _apply(proposal, actions[decision], actor, reason)
    _sync_offer_status(proposal.offer_id)
    if decision == CommissionDecision.REJECTED:
        _resume_search_if_idle(
            proposal.household_id, actor, commission_date, f"Refus d'attribution en CALEOL : {reason.strip()}"
        )
    return proposal


@transaction.atomic
def proposal_sign_lease(*, proposal: Proposal, actor, lease_date: dt.date) -> Proposal:
    proposal = _lock(proposal)
    _past(lease_date, "date de signature du bail")
    _not_before(lease_date, proposal.commission_date, "date de signature du bail", "date de CALEOL")
    proposal.lease_date = lease_date
    return _apply(proposal, "sign_lease", actor)


@transaction.atomic
def proposal_move_in(
    *,
    proposal: Proposal,
    actor,
    move_in_date: dt.date,
    kind: str = RehousingKind.DEFINITIVE,
    apl: Decimal | None = None,
    rls: Decimal | None = None,
    rent_reduction_payment: bool | None = None,
    housing_stock: str | None = None,
) -> Rehousing:
    """Move-in: creates the rehousing record, lets the offer and moves the household to "relogé"
    (or "relogé temporairement"). The database guarantees an offer is let once and a household has
    one definitive rehousing; a concurrent attempt gets a French message and changes nothing."""
    from relogement.rehousing.services import rehousing_create_from_proposal

    if kind not in RehousingKind.values:
        raise ProposalError("Nature de relogement inconnue.")
    proposal = _lock(proposal)
    rule = proposal_states.RULES["move_in"]
    if not rule.allowed(actor):
        raise ProposalError(f"Vous n'avez pas le droit d'effectuer « {rule.label} ».")
    _past(move_in_date, "date d'emménagement")
    _not_before(move_in_date, proposal.lease_date, "date d'emménagement", "date de signature du bail")
    offer = None
    if proposal.offer_id:
        # Serialises concurrent move-ins into the same dwelling: the second one sees it let.
        offer = (
            HousingOffer.objects.select_for_update(of=("self",), no_key=True)
            .select_related("landlord", "commune")
            .get(pk=proposal.offer_id)
        )
        if offer.status == OfferStatus.LET:
            raise ProposalError(
                "Ce logement est déjà loué à un autre ménage : l'emménagement n'est pas enregistré."
            )
    # Serialises concurrent move-ins of the household: the second one sees it rehoused. A current
    # definitive record of a household that may be rehoused again (file reopened) is superseded.
    household = Household.objects.select_for_update(no_key=True).get(pk=proposal.household_id)
    action = "rehouse" if kind == RehousingKind.DEFINITIVE else "rehouse_temporarily"
    if household.status not in TRANSITIONS[action].sources:
        if (
            kind == RehousingKind.DEFINITIVE
            and Rehousing.objects.current()
            .filter(household_id=proposal.household_id, kind=RehousingKind.DEFINITIVE)
            .exists()
        ):
            raise ProposalError("Ce ménage a déjà un relogement définitif.")
        raise ProposalError(
            f"« {TRANSITIONS[action].label} » impossible depuis le statut « {household.get_status_display()} »."
        )
    proposal.move_in_date = move_in_date
    _apply(proposal, "move_in", actor)
    try:
        with transaction.atomic():
            rehousing = rehousing_create_from_proposal(
                proposal=proposal,
                offer=offer,
                kind=kind,
                move_in_date=move_in_date,
                apl=apl,
                rls=rls,
                rent_reduction_payment=rent_reduction_payment,
                housing_stock=housing_stock or rehousing_stock(offer),
            )
    except IntegrityError as exc:
        if "one_definitive" in str(exc) or (
            kind == RehousingKind.DEFINITIVE
            and Rehousing.objects.current()
            .filter(household_id=proposal.household_id, kind=RehousingKind.DEFINITIVE)
            .exists()
        ):
            raise ProposalError("Ce ménage a déjà un relogement définitif.") from exc
        raise ProposalError(
            "Ce logement est déjà loué à un autre ménage : l'emménagement n'est pas enregistré."
        ) from exc
    if offer is not None:
        offer.status = OfferStatus.LET
        offer._change_reason = f"Emménagement du ménage {proposal.household.reference}"
        offer.save(update_fields=["status"])
    household_transition(
        household=household,
        action=action,
        actor=actor,
        effective_date=move_in_date,
        reason=f"Emménagement : {offer or proposal.dwelling_type}",
        rehousing=rehousing,
    )
    return rehousing
