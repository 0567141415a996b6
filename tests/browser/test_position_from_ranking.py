"""Positioning from a ranked page in a real browser (issue 18, point 1), every page through axe-core.

The project office opens the offers ranked for household A, follows « Positionner » on an offer that
breaks two of the household's wishes (commune, typology), sees which ones, is refused without the
confirmation, then confirms with a reason: the proposal is created and its history keeps the reason.
Without /usr/bin/chromium the test is skipped, except under CI=true where it fails.
"""

import os
from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.households.models import WishedLocation, Wishes
from relogement.matching import residual_rent as matching_rac
from relogement.matching import views as matching_views
from relogement.matching.residual_rent import estimated_residual_rent
from relogement.offers import residual_rent
from relogement.offers.models import Proposal
from tests import factories
from tests.browser.test_field_work import chromium, field  # noqa: F401 (fixtures: axe-core journey)
from tests.browser.test_rehousing_journey import submit
from tests.offers.conftest import FakeEngine, make_searching

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture
def contrary_offer(world, monkeypatch):
    monkeypatch.setattr(residual_rent, "_engine", lambda: FakeEngine)
    estimate = lambda: (estimated_residual_rent, False)  # noqa: E731
    monkeypatch.setattr(matching_rac, "default_provider", estimate)
    monkeypatch.setattr(matching_views, "default_provider", estimate)
    household = make_searching(world.household_a)
    wishes = Wishes.objects.create(
        household=household, dwelling_types=["T2"], max_residual_rent=Decimal("900")
    )
    WishedLocation.objects.create(wishes=wishes, rank=1, commune=world.other_commune)
    return factories.HousingOfferFactory(
        landlord=world.orgs["landlord"],
        commune=world.commune,
        reference="LOG-77",
        dwelling_type="T3",
        living_area=Decimal("65"),
        rent=Decimal("430"),
        charges=Decimal("90"),
    )


def test_position_from_the_ranking_with_a_broken_wish(field, world, contrary_offer):  # noqa: F811
    field.series = "ranked"
    mous = field.login_cookie("mous")
    field.go(mous, reverse("matching:household_offers", kwargs={"pk": world.household_a.pk}))
    field.axe(mous, "offres-classees")
    assert mous.get_by_role("link", name="LOG-77", exact=True).count() == 1  # the offer is a link
    submit(mous.get_by_role("link", name="Positionner CONC-001 — Famille Martin sur l'offre LOG-77"))
    mous.get_by_role("heading", name="CONC-001 — Famille Martin et ce logement").wait_for()
    assert mous.get_by_role("table", name="Reste à charge avant et après (mensuel)").count() == 1
    warning = mous.get_by_role("alert").filter(has_text="Cette offre contredit les souhaits du ménage")
    assert "Lille ne fait pas partie des communes souhaitées (Roubaix)" in warning.inner_text()
    assert "T3 au lieu de T2 souhaité" in warning.inner_text()
    field.axe(mous, "positionnement-souhaits")

    # Without the confirmation: refused with a French message, nothing created.
    mous.get_by_label("Motif du positionnement contraire aux souhaits").fill("Démolition dans un mois")
    submit(mous.get_by_role("button", name="Confirmer le positionnement"))
    mous.get_by_text("cochez la confirmation et indiquez le motif").wait_for()
    assert not Proposal.objects.exists()
    field.axe(mous, "positionnement-refuse")

    mous.get_by_label("Je confirme ce positionnement malgré les souhaits non respectés").check()
    submit(mous.get_by_role("button", name="Confirmer le positionnement"))
    mous.get_by_text("malgré des souhaits non respectés").first.wait_for()
    proposal = Proposal.objects.get()
    assert proposal.household_id == world.household_a.pk and proposal.offer_id == contrary_offer.pk
    assert proposal.transitions.get().reason.endswith("Motif : Démolition dans un mois")
    field.axe(mous, "proposition")
    assert field.problems == []
    assert field.axe_problems == []


def test_position_from_the_offer_by_searching_the_ranked_households(field, world, contrary_offer):  # noqa: F811
    """From the offer's side: its ranked households link to their files and carry « Positionner »; the
    positioning page lists the households ranked by fit (radio buttons, not a select), narrowed by a
    search as one types (htmx), and the chosen household's residual rent before and after is shown
    before anything is created. The landlord reads the same ranking without « Positionner »."""
    field.series = "ranked-offer"
    make_searching(world.household_b)
    mous = field.login_cookie("mous")
    field.go(mous, reverse("matching:offer_households", kwargs={"pk": contrary_offer.pk}))
    assert mous.get_by_role("link", name="CONC-002 — Famille Durand", exact=True).count() == 1  # the file
    assert mous.get_by_role("link", name="Positionner CONC-002 — Famille Durand", exact=False).count() == 1
    field.axe(mous, "menages-classes")
    submit(mous.get_by_role("link", name="Positionner un ménage sur cette offre"))
    candidates = mous.get_by_role("group", name="Ménages classés par adéquation à l'offre", exact=False)
    assert candidates.get_by_role("radio").count() == 2
    assert mous.get_by_role("combobox").count() == 0  # no drop-down of references
    mous.get_by_label("Rechercher un ménage (référence, nom ou pseudonyme)").press_sequentially("durand")
    mous.get_by_text("(recherche « durand »)").wait_for()
    assert mous.get_by_role("radio").count() == 1
    field.axe(mous, "positionnement-recherche")
    mous.get_by_label("CONC-002 — Famille Durand").check()
    submit(mous.get_by_role("button", name="Voir le reste à charge et la conformité"))
    mous.get_by_role("heading", name="CONC-002 — Famille Durand et ce logement").wait_for()
    assert mous.get_by_role("table", name="Reste à charge avant et après (mensuel)").count() == 1
    assert mous.get_by_text("Cette offre contredit les souhaits du ménage").count() == 0  # B has no wishes
    submit(mous.get_by_role("button", name="Positionner ce ménage"))
    proposal = Proposal.objects.get()
    assert proposal.household_id == world.household_b.pk and proposal.offer_id == contrary_offer.pk
    field.axe(mous, "proposition-depuis-offre")

    landlord = field.login_cookie("landlord")
    field.go(landlord, reverse("matching:offer_households", kwargs={"pk": contrary_offer.pk}))
    assert landlord.get_by_role("link", name="Positionner", exact=False).count() == 0
    field.axe(landlord, "menages-classes-bailleur")
    assert field.problems == []
    assert field.axe_problems == []
