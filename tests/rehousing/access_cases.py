"""Access matrix of the rehousing record: its household's perimeter; editing needs
can_record_commission (landlord, project office), else 404."""

from relogement.rehousing.models import Rehousing
from tests import factories
from tests.access import UrlCase


def _rehousing(world):
    existing = Rehousing.objects.filter(household=world.household_a).first()
    return existing or factories.RehousingFactory(household=world.household_a, commune=world.commune)


def _searching(world):
    """The direct rehousing form exists for a household that may be rehoused (here: searching)."""
    from relogement.households.models import Household

    Household.objects.filter(pk=world.household_a.pk).update(status="searching")
    return world.household_a


CASES = [
    UrlCase(
        "rehousing:detail",
        kwargs=lambda w: {"pk": _rehousing(w).pk},
        allowed=("mous", "social_a", "commune", "metropolis", "landlord"),
        denied=("social_b", "outsider", "admin"),
    ),
    UrlCase(
        "rehousing:edit",
        kwargs=lambda w: {"pk": _rehousing(w).pk},
        allowed=("mous", "landlord"),
        denied=("social_a", "social_b", "outsider", "commune", "metropolis", "admin"),
    ),
    UrlCase(
        "rehousing:record",
        kwargs=lambda w: {"household_pk": _searching(w).pk},
        allowed=("mous",),
        denied=("social_a", "social_b", "outsider", "commune", "metropolis", "landlord", "admin"),
    ),
]
