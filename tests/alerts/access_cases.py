"""Access matrix of the alerts: every operational user has their own alert centre and preferences
(computed over their own perimeter: nothing to scope by object); the administration gets 404."""

from relogement.alerts.models import AlertKind
from tests.access import UrlCase

OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")

CASES = [
    UrlCase("alerts:centre", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase("alerts:count", allowed=OPERATIONAL, denied=("admin",)),
    # One kind in full (the home page's work queue links here): the user's own perimeter too.
    UrlCase("alerts:centre", query="?type=overdue_step", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase("alerts:preferences", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase(
        "alerts:preferences",
        method="post",
        data=lambda w: {kind: "daily" for kind in AlertKind.values},
        allowed=OPERATIONAL,
        denied=("admin",),
        expected_status=(302,),
    ),
    UrlCase(
        "alerts:project_rules",
        kwargs=lambda w: {"project_pk": w.project.pk},
        allowed=("mous", "commune"),
        denied=("social_a", "social_b", "landlord", "metropolis", "outsider", "admin"),
    ),
    UrlCase(
        "alerts:project_rules",
        kwargs=lambda w: {"project_pk": w.project.pk},
        method="post",
        data=lambda w: {"stalled_proposal_days": "", "deadline_warning_days": "45"},
        allowed=("mous", "commune"),
        denied=("social_a", "social_b", "landlord", "metropolis", "outsider", "admin"),
        expected_status=(302,),
    ),
]
