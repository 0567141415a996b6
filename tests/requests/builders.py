"""Requests built on the ``world`` fixture (idempotent: access cases call them per persona)."""

import datetime as dt

from django.utils import timezone

from relogement.requests.models import HandoffRequest
from tests import factories


def offer_for(world):
    from relogement.offers.models import HousingOffer

    return HousingOffer.objects.filter(
        landlord=world.orgs["landlord"]
    ).first() or factories.HousingOfferFactory(landlord=world.orgs["landlord"])


def request_for(world) -> HandoffRequest:
    """Provider A asks the commune for an urgent committee review of household A (due yesterday)."""
    existing = HandoffRequest.objects.filter(subject="Examen en comité").first()
    if existing is not None:
        return existing
    return HandoffRequest.objects.create(
        sender_organisation=world.orgs["social_a"],
        sender=world.users["social_a"],
        recipient=world.orgs["commune"],
        household=world.household_a,
        subject="Examen en comité",
        text="Pouvez-vous inscrire ce ménage au prochain comité ?",
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
