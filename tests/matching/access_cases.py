from tests.access import UrlCase
from tests.factories import HousingOfferFactory


def _landlord_offer(world):
    offer = HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune, reference="OF-ACCES")
    return {"pk": offer.pk}


CASES = [
    UrlCase(
        "matching:household_offers",
        kwargs=lambda w: {"pk": w.household_a.pk},
        allowed=("mous", "social_a", "commune", "metropolis"),
        # social_b: another provider's household; landlord: no resources; outsider: another project.
        denied=("social_b", "landlord", "outsider", "admin"),
    ),
    UrlCase(
        "matching:offer_households",
        kwargs=_landlord_offer,
        allowed=("landlord", "mous", "outsider"),
        denied=("metropolis", "commune", "social_a", "admin"),
    ),
    UrlCase(
        "matching:plan",
        allowed=("mous", "metropolis", "outsider"),
        denied=("commune", "social_a", "landlord", "admin"),
    ),
    UrlCase(
        "matching:plan_export",
        allowed=("mous", "metropolis", "outsider"),
        denied=("commune", "social_a", "landlord", "admin"),
    ),
    UrlCase(
        "matching:risk",
        allowed=("mous", "metropolis", "commune", "social_a", "landlord", "outsider"),
        denied=("admin",),
    ),
    UrlCase(
        "matching:weights",
        kwargs=lambda w: {"pk": w.project.pk},
        allowed=("mous",),
        denied=("outsider", "metropolis", "commune", "social_a", "landlord", "admin"),
    ),
]
