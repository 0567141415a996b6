"""Access matrix of the API: every endpoint, with a token of each persona's organisation.

Outside the perimeter: 404, as on the pages. A write the role may not do on an object it sees: 403
with a French message (``denied_status``). The administration organisation gets no token at all
(tests/api/test_tokens.py), so it has no API case; its pages (schema, documentation) are sessions.
"""

import datetime as dt

from django.contrib.auth.models import Permission

from relogement.api.tokens import api_token_create
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import HousingOffer, Proposal, ProposalStatus, RefusalReason
from tests import factories
from tests.access import UrlCase
from tests.api.clients import api_client

OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")
EVERYONE = (*OPERATIONAL, "admin")


def _grant(world, persona: str) -> None:
    world.users[persona].user_permissions.add(Permission.objects.get(codename="manage_apitoken"))


def _token_to_revoke(world):
    _grant(world, "landlord")
    token, _ = api_token_create(organisation=world.orgs["landlord"], name="À révoquer")
    return {"pk": token.pk}


def _tokens_page(world):
    _grant(world, "landlord")
    return {}


def _offer(world, landlord: str = "landlord") -> HousingOffer:
    offer = HousingOffer.objects.filter(landlord=world.orgs[landlord], reference="API").first()
    return offer or factories.HousingOfferFactory(
        landlord=world.orgs[landlord], commune=world.commune, reference="API"
    )


def _searching(world):
    world.household_a.status = HouseholdStatus.SEARCHING
    world.household_a.save(update_fields=["status"])
    return {}


DAYS_AGO = {n: dt.date.today() - dt.timedelta(days=n) for n in range(1, 11)}

# What a proposal holds when it reaches each status (the steps' dates, in order, in the past).
REACHED = {
    ProposalStatus.POSITIONED: {},
    ProposalStatus.PROPOSED: {"notified_date": DAYS_AGO[10], "is_compliant": True},
    ProposalStatus.ACCEPTED: {
        "notified_date": DAYS_AGO[10],
        "answer": "acceptee",
        "answer_date": DAYS_AGO[8],
    },
    ProposalStatus.COMMISSION_ALLOCATED: {
        "notified_date": DAYS_AGO[10],
        "answer": "acceptee",
        "answer_date": DAYS_AGO[8],
        "commission_date": DAYS_AGO[6],
        "commission_decision": "allocated",
    },
    ProposalStatus.LEASE_SIGNED: {
        "notified_date": DAYS_AGO[10],
        "answer": "acceptee",
        "answer_date": DAYS_AGO[8],
        "commission_date": DAYS_AGO[6],
        "commission_decision": "allocated",
        "lease_date": DAYS_AGO[4],
    },
}


def _proposal(status: str):
    """Household A's proposal on the landlord's offer, at ``status`` (URL kwargs of a case)."""

    def kwargs(world):
        household = world.household_a
        household.status = (
            HouseholdStatus.SEARCHING
            if status == ProposalStatus.POSITIONED
            else HouseholdStatus.PROPOSAL_IN_PROGRESS
        )
        household.save(update_fields=["status"])
        proposal = Proposal.objects.filter(household=household).first() or factories.ProposalFactory(
            household=household, offer=_offer(world), status=status, **REACHED[status]
        )
        return {"pk": proposal.pk}

    return kwargs


def _reason(world):
    RefusalReason.objects.get_or_create(code="localisation", defaults={"label": "Localisation"})
    return _proposal(ProposalStatus.PROPOSED)(world)


OFFER = {
    "adresse": "12 rue des Tilleuls",
    "commune_insee": "59350",
    "typologie": "T3",
    "surface": "67.50",
    "loyer": "432.10",
    "charges": "85.00",
    "financement": "PLUS",
    "disponible_le": "2026-05-01",
}


def Api(url_name, **kwargs) -> UrlCase:  # noqa: N802 (reads as a case type)
    return UrlCase(url_name, client=api_client, **kwargs)


CASES = [
    # Structure of the perimeter.
    Api("api:projets", allowed=OPERATIONAL, denied=()),
    Api(
        "api:projet",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "social_b", "landlord"),
        denied=("outsider",),
    ),
    Api("api:batiments", allowed=OPERATIONAL, denied=()),
    Api(
        "api:batiment",
        kwargs=lambda w: {"pk": w.building.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "social_b", "landlord"),
        denied=("outsider",),
    ),
    # Households: provider B never reaches provider A's household.
    Api("api:menages", allowed=OPERATIONAL, denied=()),
    Api(
        "api:menage",
        kwargs=lambda w: {"pk": w.household_a.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "landlord"),
        denied=("social_b", "outsider"),
    ),
    # Offers: pooled (every operational role reads them), written by their landlord only.
    Api("api:offres", allowed=OPERATIONAL, denied=()),
    Api(
        "api:offres",
        method="post",
        data=lambda w: OFFER,
        allowed=("landlord",),
        denied=("mous", "social_a", "commune", "metropolis"),
        denied_status=403,
        expected_status=(201,),
    ),
    Api("api:offre", kwargs=lambda w: {"pk": _offer(w).pk}, allowed=OPERATIONAL, denied=()),
    Api(
        "api:offre",
        kwargs=lambda w: {"pk": _offer(w, "other_landlord").pk},
        allowed=("mous", "metropolis", "social_a"),
        denied=("landlord",),
    ),
    Api(
        "api:offre",
        kwargs=lambda w: {"pk": _offer(w).pk},
        method="patch",
        data=lambda w: {"loyer": "440.00"},
        allowed=("landlord",),
        denied=("mous", "social_a", "metropolis", "outsider"),
        denied_status=403,
    ),
    Api(
        "api:offre_retrait",
        kwargs=lambda w: {"pk": _offer(w).pk},
        method="post",
        data=lambda w: {"motif": "Logement vendu"},
        allowed=("landlord",),
        denied=("mous", "commune"),
        denied_status=403,
    ),
    Api("api:motifs_refus", allowed=OPERATIONAL, denied=()),
    # Proposals: the perimeter of their household; each step for the roles of the transition table.
    Api("api:propositions", allowed=OPERATIONAL, denied=()),
    Api(
        "api:propositions",
        kwargs=_searching,
        method="post",
        data=lambda w: {"offre": _offer(w).pk, "menage": w.household_a.pk},
        allowed=("mous",),
        denied=("landlord", "commune", "metropolis"),
        denied_status=403,
        expected_status=(201,),
    ),
    Api(
        "api:proposition",
        kwargs=_proposal(ProposalStatus.PROPOSED),
        allowed=("mous", "social_a", "landlord", "commune", "metropolis"),
        denied=("social_b", "outsider"),
    ),
    *[
        case
        for url_name, status, data, allowed, forbidden in (
            (
                "api:proposition_notification",
                ProposalStatus.POSITIONED,
                # Compliance given: no residual-rent estimate (the benefits engine) in the matrix.
                {
                    "date_notification": DAYS_AGO[1].isoformat(),
                    "conforme": True,
                    "justification_conformite": "T3",
                },
                "social_a",
                ("landlord", "commune", "metropolis"),
            ),
            (
                "api:proposition_reponse",
                ProposalStatus.PROPOSED,
                {
                    "reponse": "refusee",
                    "date_reponse": DAYS_AGO[1].isoformat(),
                    "motif_refus": "localisation",
                },
                "mous",
                ("landlord", "commune", "metropolis"),
            ),
            (
                "api:proposition_retrait",
                ProposalStatus.PROPOSED,
                {"motif": "Erreur de positionnement"},
                "landlord",
                ("commune", "metropolis"),
            ),
            (
                "api:proposition_caleol",
                ProposalStatus.ACCEPTED,
                {"decision": "allocated", "date_caleol": DAYS_AGO[1].isoformat()},
                "landlord",
                ("social_a", "commune", "metropolis"),
            ),
            (
                "api:proposition_bail",
                ProposalStatus.COMMISSION_ALLOCATED,
                {"date_bail": DAYS_AGO[1].isoformat()},
                "landlord",
                ("social_a", "commune", "metropolis"),
            ),
            (
                "api:proposition_emmenagement",
                ProposalStatus.LEASE_SIGNED,
                {"date_emmenagement": DAYS_AGO[1].isoformat(), "apl": "120.00", "rls": "30.00"},
                "mous",
                ("social_a", "commune", "metropolis"),
            ),
        )
        for case in (
            Api(
                url_name,
                kwargs=_reason if url_name == "api:proposition_reponse" else _proposal(status),
                method="post",
                data=lambda w, data=data: data,
                allowed=(),
                denied=("social_b", "outsider"),
            ),
            Api(
                url_name,
                kwargs=_reason if url_name == "api:proposition_reponse" else _proposal(status),
                method="post",
                data=lambda w, data=data: data,
                allowed=(allowed,),
                denied=forbidden,
                denied_status=403,
            ),
        )
    ],
    # Indicators: every organisation, of its own scope (perimeters outside it: tests/api/test_indicators.py).
    Api("api:indicateurs", query="?perimetre=metropole", allowed=OPERATIONAL, denied=()),
    # Schema and documentation: for a signed-in person (the schema also answers a token).
    UrlCase("api:schema", allowed=EVERYONE, denied=()),
    UrlCase("api:docs", allowed=EVERYONE, denied=()),
    # The organisation's tokens page: those granted the permission only.
    UrlCase("api:tokens", kwargs=_tokens_page, allowed=("landlord",), denied=("mous", "social_a", "admin")),
    UrlCase(
        "api:token_revoke",
        kwargs=_token_to_revoke,
        method="post",
        allowed=("landlord",),
        denied=("mous", "metropolis", "admin"),
        expected_status=(302,),
    ),
]
