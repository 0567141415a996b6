"""Access matrix of the alerts: every operational user has their own alert centre and preferences
(computed over their own perimeter: nothing to scope by object); the administration gets 404."""

from relogement.alerts.models import AlertKind
from tests.access import UrlCase

OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")

CASES = [
    UrlCase("alerts:centre", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase("alerts:preferences", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase(
        "alerts:preferences",
        method="post",
        data=lambda w: {kind: "daily" for kind in AlertKind.values},
        allowed=OPERATIONAL,
        denied=("admin",),
        expected_status=(302,),
    ),
]
