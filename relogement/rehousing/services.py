"""Writes on rehousing records. The record is created at move-in (offers.services.proposal_move_in) or
by the direct rehousing form (``rehousing_record_direct``: a move found outside the pooled offers), in
the same transaction as the household's "relogé" / "relogé temporairement" transition; its APL, RLS and
ANRU payment flag stay editable (the engine's figures are a default, the CAF's notification is the
truth). A new rehousing supersedes the household's current record (kept, dated, linked)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.permissions import predicates
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind
from relogement.rehousing.rent_reduction import rent_reduction_payment as payment_applies


def rehousing_create_from_proposal(
    *,
    proposal,
    offer,
    kind: str,
    move_in_date: dt.date,
    apl: Decimal | None,
    rls: Decimal | None,
    rent_reduction_payment: bool | None,
    housing_stock: str,
) -> Rehousing:
    """Build the record from the offer (or the proposal's snapshot). Called inside proposal_move_in."""
    household = proposal.household
    if (apl is None or rls is None) and offer is not None:
        from relogement.offers.residual_rent import estimate_for_offer

        estimate = estimate_for_offer(household, offer)
        if estimate.available:
            apl = estimate.apl if apl is None else apl
            rls = estimate.rls if rls is None else rls
    commissioning = offer.commissioning_date if offer else None
    commune = offer.commune if offer else proposal.commune
    if commune is None:
        raise DomainError("La commune du nouveau logement est inconnue.")
    applies, note = payment_applies(
        kind=kind,
        housing_stock=housing_stock,
        commissioning_date=commissioning,
        move_in_date=move_in_date,
        rent=offer.rent if offer else proposal.rent,
        zone_apl=commune.zone_apl,
        adults=household.adults_count,
        children=household.children_count,
    )
    if rent_reduction_payment is not None and rent_reduction_payment != applies:
        note = f"Corrigé à la saisie ({'oui' if rent_reduction_payment else 'non'}). Calcul : {note}"
        applies = rent_reduction_payment
    rehousing = Rehousing(
        household=household,
        kind=kind,
        proposal=proposal,
        offer=offer,
        move_in_date=move_in_date,
        landlord=offer.landlord if offer else None,
        landlord_name=offer.landlord.name if offer else proposal.landlord_name,
        commune=commune,
        address=offer.address if offer else "",
        in_qpv=offer.in_qpv if offer else proposal.in_qpv,
        housing_stock=housing_stock,
        commissioning_date=commissioning,
        dwelling_type=offer.dwelling_type if offer else proposal.dwelling_type,
        living_area=offer.living_area if offer else proposal.living_area,
        rent=offer.rent if offer else proposal.rent,
        charges=offer.charges if offer else proposal.charges,
        apl=apl,
        rls=rls,
        rent_reduction_payment=applies,
        rent_reduction_note=note,
        right_to_return=kind == RehousingKind.TEMPORARY and household.project.right_to_return,
    )
    rehousing._change_reason = "Emménagement"
    _save_superseding(rehousing)
    return rehousing


def _save_superseding(rehousing: Rehousing) -> None:
    """Save the new record and mark the household's current ones superseded on its move-in date: a
    temporary dwelling is left, a file reopened after closure is rehoused again. The old records stay
    (history, exports of past dates); only the current one counts (docs/lifecycle.md)."""
    current = list(
        Rehousing.objects.select_for_update(no_key=True).current().filter(household_id=rehousing.household_id)
    )
    for old in current:
        # Before the new row exists: the one-current-definitive constraint holds at every statement.
        old.superseded_on = rehousing.move_in_date
        old._change_reason = "Remplacé par un nouveau relogement"
        old.save(update_fields=["superseded_on"])
    rehousing.save()
    for old in current:
        old.superseded_by = rehousing
        old._change_reason = "Remplacé par un nouveau relogement"
        old.save(update_fields=["superseded_by"])


class RehousingError(DomainError):
    """A refused direct rehousing; ``field`` names the form field the message goes next to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


DIRECT_FIELDS = (
    "housing_stock",
    "landlord",
    "landlord_name",
    "commune",
    "address",
    "in_qpv",
    "commissioning_date",
    "dwelling_type",
    "living_area",
    "rent",
    "charges",
    "apl",
    "rls",
)


@transaction.atomic
def rehousing_record_direct(
    *, household, actor, kind: str, move_in_date: dt.date, reason: str = "", **data
) -> Rehousing:
    """A rehousing found outside the pooled offers (private stock, a landlord's own allocation…): the
    record and the household's transition in one transaction; a refusal writes nothing."""
    from relogement.households.lifecycle import TRANSITIONS, TransitionNotAllowed, household_transition
    from relogement.households.models import Household

    if not predicates.can_record_direct_rehousing(actor, household):
        raise RehousingError("Seul le bureau d'étude / MOUS enregistre un relogement hors offre.")
    if kind not in RehousingKind.values:
        raise RehousingError("Nature de relogement inconnue.", "kind")
    household = (
        Household.objects.select_for_update(no_key=True).select_related("project").get(pk=household.pk)
    )
    action = "rehouse" if kind == RehousingKind.DEFINITIVE else "rehouse_temporarily"
    if household.status not in TRANSITIONS[action].sources:
        raise RehousingError(
            f"« {TRANSITIONS[action].label} » impossible depuis le statut « {household.get_status_display()} »."
        )
    if move_in_date is None:
        raise RehousingError("La date d'emménagement est obligatoire.", "move_in_date")
    if move_in_date > dt.date.today():
        raise RehousingError("La date d'emménagement ne peut pas être dans le futur.", "move_in_date")
    if move_in_date < household.census_date:
        raise RehousingError(
            f"La date d'emménagement ne peut pas précéder la date de recensement ({household.census_date:%d/%m/%Y}).",
            "move_in_date",
        )
    last = household.status_changes.order_by("-effective_date", "-pk").first()
    if last is not None and move_in_date < last.effective_date:
        raise RehousingError(
            f"La date d'emménagement ne peut pas précéder le dernier changement de statut ({last.effective_date:%d/%m/%Y}).",
            "move_in_date",
        )
    if data.get("commune") is None:
        raise RehousingError("La commune du nouveau logement est obligatoire.", "commune")
    stock = data.get("housing_stock") or HousingStock.SOCIAL
    if stock not in HousingStock.values:
        raise RehousingError("Parc inconnu.", "housing_stock")
    landlord, landlord_name = data.get("landlord"), (data.get("landlord_name") or "").strip()
    if stock == HousingStock.SOCIAL and landlord is None and not landlord_name:
        raise RehousingError("Indiquez le bailleur social du nouveau logement.", "landlord")
    for name, message in (
        ("rent", "Le loyer ne peut pas être négatif."),
        ("charges", "Les charges ne peuvent pas être négatives."),
        ("apl", "L'APL ne peut pas être négative."),
        ("rls", "La RLS ne peut pas être négative."),
    ):
        value = data.get(name)
        if value is not None and value < 0:
            raise RehousingError(message, name)
    if data.get("living_area") is not None and data["living_area"] <= 0:
        raise RehousingError("La surface doit être positive.", "living_area")
    commissioning = data.get("commissioning_date")
    if commissioning is not None and commissioning > move_in_date:
        raise RehousingError(
            "La mise en service ne peut pas suivre la date d'emménagement.", "commissioning_date"
        )
    commune = data["commune"]
    applies, note = payment_applies(
        kind=kind,
        housing_stock=stock,
        commissioning_date=commissioning,
        move_in_date=move_in_date,
        rent=data.get("rent"),
        zone_apl=commune.zone_apl,
        adults=household.adults_count,
        children=household.children_count,
    )
    values = {name: data.get(name) for name in DIRECT_FIELDS}
    values.update(
        housing_stock=stock,
        landlord_name=landlord_name or (landlord.name if landlord else ""),
        address=(data.get("address") or "").strip(),
        dwelling_type=data.get("dwelling_type") or "",
    )
    rehousing = Rehousing(
        household=household,
        kind=kind,
        move_in_date=move_in_date,
        rent_reduction_payment=applies,
        rent_reduction_note=note,
        right_to_return=kind == RehousingKind.TEMPORARY and household.project.right_to_return,
        **values,
    )
    rehousing._change_reason = "Relogement hors offre mutualisée"
    rehousing._history_user = actor
    _save_superseding(rehousing)
    where = landlord_name or (landlord.name if landlord else HousingStock(stock).label)
    try:
        household_transition(
            household=household,
            action=action,
            actor=actor,
            effective_date=move_in_date,
            reason=(reason or "").strip() or f"Relogement hors offre : {where}, {commune.name}",
            rehousing=rehousing,
        )
    except TransitionNotAllowed as exc:
        raise RehousingError(exc.message) from exc
    return rehousing


@transaction.atomic
def rehousing_update_terms(
    *,
    rehousing: Rehousing,
    actor,
    apl: Decimal | None,
    rls: Decimal | None,
    rent_reduction_payment: bool | None,
    note: str = "",
) -> Rehousing:
    """Correct APL, RLS (e.g. from the CAF's notification) and the ANRU payment flag."""
    if not predicates.can_record_commission(actor):
        raise DomainError("Seuls le bailleur et le bureau d'étude modifient un relogement.")
    for value, label in ((apl, "L'APL"), (rls, "La RLS")):
        if value is not None and value < 0:
            raise DomainError(f"{label} ne peut pas être négative.")
    rehousing = Rehousing.objects.select_for_update(no_key=True).get(pk=rehousing.pk)
    rehousing.apl = apl
    rehousing.rls = rls
    if rent_reduction_payment != rehousing.rent_reduction_payment or note.strip():
        rehousing.rent_reduction_payment = rent_reduction_payment
        if note.strip():
            rehousing.rent_reduction_note = note.strip()
    rehousing._change_reason = "Mise à jour des conditions du relogement"
    rehousing.save()
    return rehousing
