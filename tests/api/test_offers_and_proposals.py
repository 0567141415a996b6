"""Offers and proposals by API only: a landlord publishes an offer and follows its proposals through
the whole workflow; forbidden writes get 403, invalid input 400 with the field, nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.households.statuses import HouseholdStatus
from relogement.offers import selectors
from relogement.offers.models import HousingOffer, OfferStatus, Proposal, ProposalStatus, RefusalReason
from relogement.rehousing.models import Rehousing
from tests import factories
from tests.api.clients import api_client

OFFERS = "/api/v1/offres/"
PROPOSALS = "/api/v1/propositions/"
TODAY = dt.date.today()

OFFER = {
    "reference": "LN-2026-014",
    "adresse": "12 rue des Tilleuls",
    "commune_insee": "59350",
    "typologie": "T3",
    "surface": "67.50",
    "etage": 2,
    "ascenseur": True,
    "loyer": "432.10",
    "charges": "85.00",
    "financement": "PLUS",
    "date_mise_en_service": "2024-09-01",
    "disponible_le": "2026-05-01",
}


def _days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def reason(db):
    return RefusalReason.objects.create(code="localisation", label="Localisation ne convenant pas")


@pytest.fixture
def offer(world):
    return factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, reference="LN-1"
    )


def _step(client, proposal_id: int, endpoint: str, body: dict):
    return client.post(f"{PROPOSALS}{proposal_id}/{endpoint}/", body)


def test_a_landlord_publishes_an_offer_and_follows_its_proposals(searching, reason):
    world = searching
    landlord, mous, provider = (api_client(world, p) for p in ("landlord", "mous", "social_a"))

    created = landlord.post(OFFERS, OFFER)
    assert created.status_code == 201, created.json()
    offer = HousingOffer.objects.get()
    assert created["Location"] == f"{OFFERS}{offer.pk}/"
    body = created.json()
    assert body["statut"] == "available" and body["bailleur"] == world.orgs["landlord"].pk
    assert (body["loyer"], body["surface"], body["commune"]) == ("432.10", "67.50", "Lille")
    history = offer.history.get()
    assert history.history_change_reason == "Publication de l'offre"
    assert str(history.history_user).startswith("Jeton d'API Logiciel de landlord")

    # The project office and the provider position two households; the landlord reads them.
    first = mous.post(PROPOSALS, {"offre": offer.pk, "menage": world.household_a.pk})
    assert first.status_code == 201, first.json()
    second = provider.post(PROPOSALS, {"offre": offer.pk, "menage": world.household_a.pk})
    assert second.status_code == 400
    assert second.json()["champs"] == {"general": ["Ce ménage est déjà positionné sur cette offre."]}
    assert mous.post(PROPOSALS, {"offre": offer.pk, "menage": world.household_b.pk}).status_code == 201
    listed = landlord.get(f"{PROPOSALS}?offre={offer.pk}").json()
    assert listed["total"] == 2
    assert [row["menage_nom"] for row in listed["resultats"]] == ["Famille Martin", "Famille Durand"]
    assert [row["id"] for row in listed["resultats"]] == [
        p.pk for p in selectors.offer_proposals(world.users["landlord"], offer)
    ]
    proposal_id = first.json()["id"]
    assert listed["resultats"][0]["actions_possibles"] == ["retrait"]
    assert HousingOffer.objects.get().status == OfferStatus.POSITIONED

    # Household B's proposal is withdrawn by the landlord; A's goes all the way.
    b_id = listed["resultats"][1]["id"]
    assert _step(landlord, b_id, "retrait", {"motif": "Typologie inadaptée"}).json()["etat"] == "withdrawn"
    notified = _step(provider, proposal_id, "notification", {"date_notification": _days_ago(10)})
    assert notified.status_code == 200, notified.json()
    assert notified.json()["etat"] == "proposed" and notified.json()["conforme"] is True
    assert Proposal.objects.get(pk=proposal_id).stock_kind == "social"  # the offer's, copied at notification
    assert notified.json()["type_logement"] == "social"
    assert (
        _step(provider, proposal_id, "reponse", {"reponse": "acceptee", "date_reponse": _days_ago(8)}).json()[
            "etat"
        ]
        == "accepted"
    )
    assert (
        _step(landlord, proposal_id, "caleol", {"decision": "allocated", "date_caleol": _days_ago(6)}).json()[
            "etat"
        ]
        == "allocated"
    )
    assert HousingOffer.objects.get().status == OfferStatus.RESERVED
    assert _step(landlord, proposal_id, "bail", {"date_bail": _days_ago(4)}).json()["etat"] == "lease_signed"
    moved = _step(landlord, proposal_id, "emmenagement", {"date_emmenagement": _days_ago(2)})
    assert moved.status_code == 200, moved.json()

    final = landlord.get(f"{PROPOSALS}{proposal_id}/").json()
    assert final["etat"] == "moved_in" and final["date_emmenagement"] == _days_ago(2)
    assert [(t["de"], t["vers"]) for t in final["transitions"]] == [
        ("", "positioned"),
        ("positioned", "proposed"),
        ("proposed", "accepted"),
        ("accepted", "allocated"),
        ("allocated", "lease_signed"),
        ("lease_signed", "moved_in"),
    ]
    assert final["actions_possibles"] == []
    assert landlord.get(f"{OFFERS}{offer.pk}/").json()["statut"] == "let"
    household = world.household_a
    household.refresh_from_db()
    assert household.status == HouseholdStatus.REHOUSED
    assert Rehousing.objects.get().household == household


def test_a_refusal_cites_an_active_reason(searching, reason, offer):
    provider = api_client(searching, "social_a")
    proposal_id = provider.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk}).json()[
        "id"
    ]
    _step(provider, proposal_id, "notification", {"date_notification": _days_ago(5)})
    missing = _step(provider, proposal_id, "reponse", {"reponse": "refusee", "date_reponse": _days_ago(1)})
    assert missing.status_code == 400
    assert missing.json()["champs"] == {
        "motif_refus": ["Un refus doit être motivé : choisissez un motif de refus."]
    }
    unknown = _step(
        provider,
        proposal_id,
        "reponse",
        {"reponse": "refusee", "date_reponse": _days_ago(1), "motif_refus": "lune"},
    )
    assert unknown.json()["champs"] == {"motif_refus": ["Motif de refus inconnu ou retiré : « lune »."]}
    assert Proposal.objects.get().status == ProposalStatus.PROPOSED
    refused = _step(
        provider,
        proposal_id,
        "reponse",
        {
            "reponse": "refusee",
            "date_reponse": _days_ago(1),
            "motif_refus": "localisation",
            "precision": "Trop loin",
        },
    )
    assert refused.status_code == 200
    body = refused.json()
    assert (body["etat"], body["motif_refus"]) == ("refused", "localisation")
    assert body["motif_refus_texte"] == "Localisation ne convenant pas — Trop loin"
    reasons = provider.get("/api/v1/motifs-refus/").json()
    assert reasons == [{"code": "localisation", "libelle": "Localisation ne convenant pas", "actif": True}]


# --- forbidden writes: 403 with the reason -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["mous", "social_a", "commune", "metropolis"])
def test_only_a_landlord_publishes_offers(world, persona):
    response = api_client(world, persona).post(OFFERS, OFFER)
    assert response.status_code == 403
    assert response.json() == {
        "code": "interdit",
        "message": "Seul un bailleur peut publier une offre de logement.",
    }
    assert not HousingOffer.objects.exists()


def test_a_landlord_changes_only_its_own_offers(world, offer):
    others = factories.HousingOfferFactory(landlord=world.orgs["other_landlord"], commune=world.commune)
    # Another landlord's offer is outside the landlord's perimeter (no household of its on it): 404.
    response = api_client(world, "landlord").patch(f"{OFFERS}{others.pk}/", {"loyer": "1.00"})
    assert response.status_code == 404
    # Offers are pooled for the other roles: they see the offer, so the refusal is 403, not 404.
    for method, url, body in (
        ("patch", f"{OFFERS}{offer.pk}/", {"loyer": "1.00"}),
        ("post", f"{OFFERS}{offer.pk}/retrait/", {"motif": "Vendu"}),
    ):
        response = getattr(api_client(world, "mous"), method)(url, body)
        assert response.status_code == 403
        assert response.json() == {
            "code": "interdit",
            "message": "Seul le bailleur de l'offre peut la modifier ou la retirer.",
        }
    offer.refresh_from_db()
    others.refresh_from_db()
    assert (offer.status, offer.rent, others.rent) == (
        OfferStatus.AVAILABLE,
        Decimal("430.00"),
        Decimal("430.00"),
    )


def test_proposal_steps_follow_the_roles_of_the_transition_table(searching, offer):
    landlord, provider = api_client(searching, "landlord"), api_client(searching, "social_a")
    refused = landlord.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk})
    assert refused.status_code == 403
    assert (
        refused.json()["message"]
        == "Seuls le bureau d'étude et les travailleurs sociaux positionnent des ménages."
    )
    proposal_id = provider.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk}).json()[
        "id"
    ]
    response = _step(landlord, proposal_id, "notification", {"date_notification": _days_ago(1)})
    assert response.status_code == 403
    assert (
        response.json()["message"]
        == "Votre organisation n'a pas le droit d'effectuer « Notifier la proposition »."
    )
    response = _step(provider, proposal_id, "caleol", {"decision": "allocated", "date_caleol": _days_ago(1)})
    assert response.status_code == 403
    assert Proposal.objects.get().status == ProposalStatus.POSITIONED


def test_proposals_outside_the_perimeter_are_404(searching, offer):
    provider = api_client(searching, "social_a")
    proposal_id = provider.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk}).json()[
        "id"
    ]
    other = api_client(searching, "social_b")
    assert other.get(f"{PROPOSALS}{proposal_id}/").status_code == 404
    assert _step(other, proposal_id, "retrait", {"motif": "x"}).status_code == 404
    assert other.get(PROPOSALS).json()["total"] == 0
    # Positioning a household it does not see: "does not exist", never "not yours".
    response = other.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk})
    assert response.status_code == 400
    assert list(response.json()["champs"]) == ["menage"]
    assert Proposal.objects.count() == 1


# --- invalid input: 400 with the field, nothing written ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"loyer": "-1"}, "loyer", "Le loyer ne peut pas être négatif."),
        ({"charges": "-0.01"}, "charges", "Les charges ne peuvent pas être négatives."),
        ({"surface": "0"}, "surface", "La surface habitable doit être positive."),
        ({"commune_insee": "00000"}, "commune_insee", "Commune inconnue : code INSEE « 00000 »."),
        ({"typologie": "T9"}, "typologie", "« T9 » n'est pas un choix valide."),
        ({"type_logement": "HLM"}, "type_logement", "« HLM » n'est pas un choix valide."),
        ({"adresse": ""}, "adresse", "Ce champ ne peut être vide."),
        ({"disponible_le": "demain"}, "disponible_le", None),
        ({"loyer": "12.345"}, "loyer", None),
    ],
)
def test_an_invalid_offer_is_refused_with_the_field_and_nothing_is_written(world, change, field, reason):
    response = api_client(world, "landlord").post(OFFERS, {**OFFER, **change})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalide" and list(body["champs"]) == [field]
    if reason:
        assert [text.replace("\xa0", " ") for text in body["champs"][field]] == [reason]
    assert not HousingOffer.objects.exists()


def test_an_offer_carries_its_stock_kind(world):
    """``type_logement``: social conventioned by default, set at publication, changed by a PATCH; the
    engine's residual rents read it (no RLS outside conventioned social housing)."""
    landlord = api_client(world, "landlord")
    created = landlord.post(OFFERS, OFFER)
    assert created.json()["type_logement"] == "social"
    furnished = landlord.post(OFFERS, {**OFFER, "reference": "LN-2", "type_logement": "prive_meuble"})
    assert furnished.status_code == 201, furnished.json()
    assert furnished.json()["type_logement"] == "prive_meuble"
    pk = furnished.json()["id"]
    assert HousingOffer.objects.get(pk=pk).stock_kind == "prive_meuble"
    assert landlord.get(f"{OFFERS}{pk}/").json()["type_logement"] == "prive_meuble"
    changed = landlord.patch(f"{OFFERS}{pk}/", {"type_logement": "foyer"})
    assert changed.status_code == 200 and changed.json()["type_logement"] == "foyer"
    assert HousingOffer.objects.get(pk=pk).stock_kind == "foyer"
    assert landlord.patch(f"{OFFERS}{pk}/", {"type_logement": "prive"}).status_code == 400
    assert HousingOffer.objects.get(pk=pk).stock_kind == "foyer"


def test_a_missing_field_is_named(world):
    response = api_client(world, "landlord").post(OFFERS, {k: v for k, v in OFFER.items() if k != "loyer"})
    assert response.status_code == 400
    assert response.json()["champs"] == {"loyer": ["Ce champ est obligatoire."]}


def test_a_body_that_is_not_json_is_refused_in_french(world):
    response = api_client(world, "landlord").post(OFFERS, "{pas du json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalide"
    assert not HousingOffer.objects.exists()


def test_a_landlord_updates_and_withdraws_its_offer(searching, offer):
    landlord = api_client(searching, "landlord")
    updated = landlord.patch(f"{OFFERS}{offer.pk}/", {"loyer": "450.00", "etage": 3})
    assert updated.status_code == 200
    assert (updated.json()["loyer"], updated.json()["etage"]) == ("450.00", 3)
    offer.refresh_from_db()
    assert (
        offer.rent == Decimal("450.00")
        and offer.history.first().history_change_reason == "Modification de l'offre"
    )
    invalid = landlord.patch(f"{OFFERS}{offer.pk}/", {"loyer": "-5", "etage": 4})
    assert invalid.status_code == 400
    offer.refresh_from_db()
    assert (offer.rent, offer.floor) == (Decimal("450.00"), 3)

    api_client(searching, "mous").post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk})
    no_reason = landlord.post(f"{OFFERS}{offer.pk}/retrait/", {})
    assert no_reason.status_code == 400 and list(no_reason.json()["champs"]) == ["motif"]
    withdrawn = landlord.post(f"{OFFERS}{offer.pk}/retrait/", {"motif": "Logement vendu"})
    assert withdrawn.status_code == 200 and withdrawn.json()["statut"] == "withdrawn"
    assert Proposal.objects.get().status == ProposalStatus.WITHDRAWN
    # A business rule refused by the service: 400, its French message, nothing written.
    again = landlord.patch(f"{OFFERS}{offer.pk}/", {"loyer": "1.00"})
    assert again.status_code == 400
    assert again.json()["champs"] == {"general": ["Une offre « Retirée » ne peut plus être modifiée."]}
    offer.refresh_from_db()
    assert offer.rent == Decimal("450.00")


def test_the_state_machine_refuses_a_step_out_of_order(searching, offer):
    provider = api_client(searching, "social_a")
    proposal_id = provider.post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk}).json()[
        "id"
    ]
    response = _step(provider, proposal_id, "reponse", {"reponse": "acceptee", "date_reponse": _days_ago(1)})
    assert response.status_code == 400
    assert response.json()["champs"] == {
        "general": ["« Acceptation du ménage » est impossible pour une proposition à l'état « Positionné »."]
    }
    future = _step(provider, proposal_id, "notification", {"date_notification": _days_ago(-3)})
    assert future.status_code == 400
    assert future.json()["champs"] == {
        "date_notification": ["La date de notification ne peut pas être dans le futur."]
    }
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.POSITIONED and proposal.transitions.count() == 1


def test_positioning_a_household_not_yet_diagnosed_writes_nothing(world, offer):
    response = api_client(world, "mous").post(PROPOSALS, {"offre": offer.pk, "menage": world.household_a.pk})
    assert response.status_code == 400
    assert response.json()["champs"] == {
        "general": ["Un ménage au statut « À diagnostiquer » ne peut pas être positionné."]
    }
    assert not Proposal.objects.exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE


def test_proposal_reads_are_logged_for_named_roles_only(searching, offer):
    from relogement.audit.models import FileRead

    api_client(searching, "mous").post(PROPOSALS, {"offre": offer.pk, "menage": searching.household_a.pk})
    FileRead.objects.all().delete()
    api_client(searching, "landlord").get(PROPOSALS)
    assert list(FileRead.objects.values_list("household_id", "what")) == [
        (searching.household_a.pk, "API propositions")
    ]
    FileRead.objects.all().delete()
    rows = api_client(searching, "metropolis").get(PROPOSALS).json()["resultats"]
    assert "menage_nom" not in rows[0] and not FileRead.objects.exists()
