"""Positioning from the ranking: households listed by fit and searchable, and an offer that breaks the
household's wishes positioned only with a confirmation and a reason, kept in the proposal's history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.households.models import WishedLocation, Wishes
from relogement.matching import residual_rent as matching_rac
from relogement.matching.residual_rent import estimated_residual_rent
from relogement.offers import services
from relogement.offers.models import Proposal, ProposalTransition
from relogement.offers.services import ProposalError
from relogement.offers.wishes import broken_wishes


@pytest.fixture(autouse=True)
def estimated_ranking(monkeypatch):
    """The ranking of the positioning page uses the estimate here (the engine has its own tests)."""
    monkeypatch.setattr(matching_rac, "default_provider", lambda: (estimated_residual_rent, False))


@pytest.fixture
def contrary(searching):
    """Household A wishes a T2 in Roubaix with at most 10 € of residual rent: the T3 offer in Lille
    (fixture ``offer``) breaks all three wishes."""
    wishes = Wishes.objects.create(
        household=searching.household_a, dwelling_types=["T2"], max_residual_rent=Decimal("10")
    )
    WishedLocation.objects.create(wishes=wishes, rank=1, commune=searching.other_commune)
    return searching


def _position_url(offer):
    return reverse("offers:position", args=[offer.pk])


# --- Service -----------------------------------------------------------------------------------------


def test_broken_wishes_names_each_wish(contrary, offer):
    broken = broken_wishes(contrary.household_a, offer)
    assert [b.wish for b in broken] == ["commune", "typologie", "reste_a_charge"]
    assert "Lille ne fait pas partie des communes souhaitées (Roubaix)" in broken[0].label
    assert "T3 au lieu de T2" in broken[1].label
    assert "au-dessus du maximum indiqué par le ménage (10,00 €)" in broken[2].label


def test_broken_wishes_empty_when_the_offer_fits(searching, offer):
    wishes = Wishes.objects.create(
        household=searching.household_a, dwelling_types=["T3"], max_residual_rent=Decimal("2000")
    )
    WishedLocation.objects.create(wishes=wishes, rank=1, commune=searching.commune)
    assert broken_wishes(searching.household_a, offer) == []
    assert broken_wishes(searching.household_b, offer) == []  # no wishes recorded


def test_service_refuses_a_contrary_positioning_without_reason(contrary, offer):
    mous = contrary.users["mous"]
    with pytest.raises(ProposalError) as error:
        services.proposal_position(offer=offer, household=contrary.household_a, actor=mous)
    assert "contredit les souhaits du ménage" in error.value.message
    assert "motif" in error.value.message
    with pytest.raises(ProposalError):
        services.proposal_position(
            offer=offer, household=contrary.household_a, actor=mous, wishes_reason="   "
        )
    assert not Proposal.objects.exists()


def test_service_keeps_the_reason_in_the_history(contrary, offer):
    proposal = services.proposal_position(
        offer=offer,
        household=contrary.household_a,
        actor=contrary.users["mous"],
        wishes_reason="Seule offre avant la démolition",
    )
    transition = ProposalTransition.objects.get(proposal=proposal)
    assert "Positionnement contraire aux souhaits" in transition.reason
    assert "Commune" in transition.reason and "Typologie" in transition.reason
    assert transition.reason.endswith("Motif : Seule offre avant la démolition")
    assert "Positionnement contraire aux souhaits" in proposal.history.first().history_change_reason


def test_service_positions_without_reason_when_no_wish_is_broken(searching, offer):
    proposal = services.proposal_position(
        offer=offer, household=searching.household_b, actor=searching.users["mous"]
    )
    assert ProposalTransition.objects.get(proposal=proposal).reason == ""


# --- Views -------------------------------------------------------------------------------------------


def test_position_page_lists_households_ranked_and_searchable(searching, offer):
    client = searching.client_for("mous")
    html = client.get(_position_url(offer)).content.decode()
    assert "<select" not in html
    assert html.count('type="radio" name="household"') == 2
    assert "Adéquation" in html and 'id="position-search"' in html and "hx-get" in html
    html = client.get(_position_url(offer), {"q": "durand"}).content.decode()
    assert "CONC-002 — Famille Durand" in html and "CONC-001" not in html
    html = client.get(_position_url(offer), {"q": "zzz"}).content.decode()
    assert "Aucun ménage positionnable ne correspond à « zzz »" in html


def test_position_search_through_htmx_returns_the_list_only(searching, offer):
    response = searching.client_for("mous").get(
        _position_url(offer), {"q": "CONC-001"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="position-candidates"') and "<html" not in html
    assert "CONC-001 — Famille Martin" in html and "CONC-002" not in html


def test_position_ranks_the_better_suited_household_first(searching, offer):
    # Household B wishes Roubaix: the Lille offer suits household A (no wish) better.
    wishes = Wishes.objects.create(household=searching.household_b)
    WishedLocation.objects.create(wishes=wishes, rank=1, commune=searching.other_commune)
    html = searching.client_for("mous").get(_position_url(offer)).content.decode()
    assert html.index("CONC-001") < html.index("CONC-002")


def test_contrary_positioning_asks_a_confirmation_with_a_reason(contrary, offer):
    client = contrary.client_for("mous")
    household = contrary.household_a
    html = client.get(_position_url(offer), {"household": household.pk}).content.decode()
    assert "Cette offre contredit les souhaits du ménage" in html
    assert "Lille ne fait pas partie des communes souhaitées" in html and "T3 au lieu de T2" in html
    assert "Confirmer le positionnement" in html
    # Without the confirmation, or without a reason: a French message, nothing created.
    for data in ({}, {"wishes_confirmed": "on"}, {"wishes_reason": "Urgence"}):
        response = client.post(_position_url(offer), {"household": household.pk, **data})
        assert response.status_code == 400
        assert "cochez la confirmation et indiquez le motif" in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(
        _position_url(offer),
        {"household": household.pk, "wishes_confirmed": "on", "wishes_reason": "Démolition dans un mois"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("offers:proposal", args=[proposal.pk])
    assert proposal.transitions.get().reason.endswith("Motif : Démolition dans un mois")
    detail = client.get(response["Location"]).content.decode()
    assert "Démolition dans un mois" in detail


def test_social_worker_positions_its_household_not_another_providers(contrary, offer):
    client = contrary.client_for("social_a")
    html = client.get(_position_url(offer)).content.decode()
    assert "CONC-001" in html and "CONC-002" not in html
    response = client.post(
        _position_url(offer),
        {"household": contrary.household_a.pk, "wishes_confirmed": "on", "wishes_reason": "Accord du ménage"},
    )
    assert response.status_code == 302
    # Household B is provider B's: not a choice for provider A, nothing created.
    response = client.post(_position_url(offer), {"household": contrary.household_b.pk})
    assert response.status_code == 400
    assert "ne peut pas être positionné sur cette offre" in response.content.decode()
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("persona", ["landlord", "metropolis", "commune"])
def test_roles_that_do_not_position_get_404(contrary, offer, persona):
    client = contrary.client_for(persona)
    assert client.get(_position_url(offer)).status_code == 404
    response = client.post(
        _position_url(offer),
        {"household": contrary.household_a.pk, "wishes_confirmed": "on", "wishes_reason": "x"},
    )
    assert response.status_code == 404
    assert not Proposal.objects.exists()


# --- API and committee -------------------------------------------------------------------------------


def test_api_positioning_against_the_wishes_needs_motif_souhaits(contrary, offer):
    from tests.api.clients import api_client

    client = api_client(contrary, "mous")
    body = {"offre": offer.pk, "menage": contrary.household_a.pk}
    response = client.post("/api/v1/propositions/", body)
    assert response.status_code == 400
    assert "contredit les souhaits du ménage" in response.json()["champs"]["general"][0]
    assert not Proposal.objects.exists()
    response = client.post("/api/v1/propositions/", {**body, "motif_souhaits": "Accord écrit du ménage"})
    assert response.status_code == 201
    assert Proposal.objects.get().transitions.get().reason.endswith("Motif : Accord écrit du ménage")
