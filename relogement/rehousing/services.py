"""Writes on rehousing records. The record is created at move-in (offers.services.proposal_move_in);
its APL, RLS and ANRU payment flag stay editable (the engine's figures are a default, the CAF's
notification is the truth)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.permissions import predicates
from relogement.rehousing.models import Rehousing, RehousingKind
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
    rehousing.save()
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
    rehousing = Rehousing.objects.select_for_update().get(pk=rehousing.pk)
    rehousing.apl = apl
    rehousing.rls = rls
    if rent_reduction_payment != rehousing.rent_reduction_payment or note.strip():
        rehousing.rent_reduction_payment = rent_reduction_payment
        if note.strip():
            rehousing.rent_reduction_note = note.strip()
    rehousing._change_reason = "Mise à jour des conditions du relogement"
    rehousing.save()
    return rehousing
