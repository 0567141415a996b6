"""Access matrix of the offers URLs (offers are pooled: every operational role sees them; proposals
follow their household's perimeter; writing needs the named predicate, else 404)."""

import datetime as dt

from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import HousingOffer, Proposal, ProposalStatus
from tests import factories
from tests.access import UrlCase

ALL_OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")


def _offer(world):
    offer = HousingOffer.objects.filter(landlord=world.orgs["landlord"], reference="ACCES").first()
    return offer or factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, reference="ACCES"
    )


def _proposal(world):
    household = world.household_a
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save(update_fields=["status"])
    existing = Proposal.objects.filter(household=household).first()
    return existing or factories.ProposalFactory(
        household=household,
        offer=_offer(world),
        status=ProposalStatus.PROPOSED,
        notified_date=dt.date.today() - dt.timedelta(days=3),
        is_compliant=True,
    )


CASES = [
    UrlCase("offers:list", allowed=(*ALL_OPERATIONAL, "admin"), denied=()),
    UrlCase("offers:deadlines", allowed=(*ALL_OPERATIONAL, "admin"), denied=()),
    UrlCase("offers:create", allowed=("landlord",), denied=("mous", "social_a", "metropolis", "admin")),
    UrlCase(
        "offers:detail", kwargs=lambda w: {"pk": _offer(w).pk}, allowed=ALL_OPERATIONAL, denied=("admin",)
    ),
    UrlCase(
        "offers:edit",
        kwargs=lambda w: {"pk": _offer(w).pk},
        allowed=("landlord",),
        denied=("mous", "social_a", "metropolis", "admin"),
    ),
    UrlCase(
        "offers:withdraw",
        kwargs=lambda w: {"pk": _offer(w).pk},
        method="post",
        data=lambda w: {"reason": "Logement vendu"},
        allowed=("landlord",),
        denied=("mous", "social_a", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "offers:position",
        kwargs=lambda w: {"pk": _offer(w).pk},
        allowed=("mous", "social_a", "social_b", "outsider"),
        denied=("landlord", "metropolis", "commune", "admin"),
    ),
    UrlCase(
        "offers:proposal",
        kwargs=lambda w: {"pk": _proposal(w).pk},
        allowed=("mous", "social_a", "landlord", "commune", "metropolis"),
        denied=("social_b", "outsider", "admin"),
    ),
    UrlCase(
        "offers:proposal_action",
        kwargs=lambda w: {"pk": _proposal(w).pk, "action": "withdraw"},
        method="post",
        data=lambda w: {"withdraw-reason": "Erreur de positionnement"},
        allowed=("mous",),
        denied=("social_b", "outsider", "metropolis", "commune", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "offers:household_offers",
        kwargs=lambda w: {"household_pk": w.household_a.pk},
        allowed=("mous", "social_a", "commune", "metropolis", "landlord"),
        denied=("social_b", "outsider", "admin"),
    ),
]
