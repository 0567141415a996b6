"""Offers carry their stock kind (social conventioned, private unfurnished or furnished, foyer)."""

from decimal import Decimal

from django.apps import apps
from django.urls import reverse

from relogement.offers.models import Financing, HousingOffer
from relogement.offers.services import rehousing_stock
from relogement.rehousing.models import HousingStock
from tests import factories


def test_landlord_publishes_a_furnished_private_offer(world):
    data = {
        "reference": "LOG-9",
        "address": "3 rue Solférino",
        "commune": world.commune.pk,
        "dwelling_type": "T2",
        "living_area": "38",
        "floor": "2",
        "rent": "480",
        "charges": "40",
        "financing": "prive",
        "stock_kind": "prive_meuble",
        "available_from": "2026-01-01",
    }
    response = world.client_for("landlord").post(reverse("offers:create"), data)
    assert response.status_code == 302
    assert HousingOffer.objects.get().stock_kind == "prive_meuble"
    response = world.client_for("landlord").post(reverse("offers:create"), data | {"stock_kind": "hlm"})
    assert response.status_code == 200 and HousingOffer.objects.count() == 1


def test_existing_private_offers_become_private_unfurnished(db):
    module = __import__(
        "relogement.offers.migrations.0006_private_offers_stock_kind",
        fromlist=["private_financing_is_private_stock"],
    )
    private = factories.HousingOfferFactory(financing=Financing.PRIVATE)
    social = factories.HousingOfferFactory(financing=Financing.PLAI)
    assert private.stock_kind == social.stock_kind == "social"  # the field's default
    module.private_financing_is_private_stock(apps, None)
    private.refresh_from_db()
    social.refresh_from_db()
    assert (private.stock_kind, social.stock_kind) == ("prive_vide", "social")


def test_rehousing_stock_follows_the_offer(db):
    cases = {
        "social": HousingStock.SOCIAL,
        "prive_vide": HousingStock.PRIVATE,
        "prive_meuble": HousingStock.PRIVATE,
        "foyer": HousingStock.INSTITUTION,
    }
    for kind, stock in cases.items():
        assert rehousing_stock(factories.HousingOfferFactory(stock_kind=kind, rent=Decimal("400"))) == stock
    assert rehousing_stock(None) == HousingStock.SOCIAL
