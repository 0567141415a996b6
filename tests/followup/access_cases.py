import datetime as dt

from relogement.rehousing.models import Rehousing, RehousingKind
from tests.access import UrlCase


def _rehoused(world):
    Rehousing.objects.get_or_create(
        household=world.household_a,
        kind=RehousingKind.DEFINITIVE,
        defaults={"move_in_date": dt.date(2025, 1, 15), "commune": world.commune},
    )
    return world.household_a


# Readers of named data within the household's perimeter; the metropolis (pseudonymised data only),
# the other provider, the administration and another project's office get 404.
READERS = ("mous", "commune", "social_a", "landlord")
OUTSIDE = ("outsider", "metropolis", "social_b", "admin")

CASES = [
    UrlCase(
        "followup:list",
        allowed=("mous", "commune", "social_a", "social_b", "landlord", "outsider"),
        denied=("metropolis", "admin"),
    ),
    UrlCase("followup:household", kwargs=lambda w: {"pk": _rehoused(w).pk}, allowed=READERS, denied=OUTSIDE),
    UrlCase(
        "followup:record",
        kwargs=lambda w: {"pk": _rehoused(w).pk, "months": 6},
        allowed=("social_a",),
        denied=("mous", "commune", "landlord", *OUTSIDE),
    ),
    UrlCase(
        "followup:record",
        method="post",
        kwargs=lambda w: {"pk": _rehoused(w).pk, "months": 12},
        data=lambda w: {"done_on": "2026-01-20", "home_satisfaction": "satisfait", "rent_arrears": "non"},
        allowed=("social_a",),
        denied=("mous", "commune", "landlord", *OUTSIDE),
        expected_status=(302,),
    ),
]
