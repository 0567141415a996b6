"""Access matrix of the requests between organisations: the queues for every operational role; a new
request from the households and offers the sender sees; a request seen by its sender and recipient
organisations only (provider A → commune here), everyone else 404."""

from tests.access import UrlCase
from tests.requests.builders import offer_for, request_for

OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")
PARTIES = ("social_a", "commune")
NOT_PARTIES = ("mous", "metropolis", "social_b", "landlord", "outsider", "admin")

CASES = [
    UrlCase("requests:received", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase("requests:received", query="?closes=1", allowed=("commune",), denied=("admin",)),
    UrlCase("requests:sent", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase(
        "requests:create_for_household",
        kwargs=lambda w: {"household_pk": w.household_a.pk},
        allowed=("mous", "metropolis", "commune", "social_a", "landlord"),
        denied=("social_b", "outsider", "admin"),
    ),
    UrlCase(
        "requests:create_for_offer",
        kwargs=lambda w: {"offer_pk": offer_for(w).pk},
        allowed=OPERATIONAL,
        denied=("admin",),
    ),
    UrlCase(
        "requests:detail",
        kwargs=lambda w: {"pk": request_for(w).pk},
        allowed=PARTIES,
        denied=NOT_PARTIES,
    ),
    UrlCase(
        "requests:answer",
        kwargs=lambda w: {"pk": request_for(w).pk},
        method="post",
        data=lambda w: {"text": "Inscrit au comité du mois prochain."},
        allowed=PARTIES,
        denied=NOT_PARTIES,
        expected_status=(302,),
    ),
    UrlCase(
        "requests:close",
        kwargs=lambda w: {"pk": request_for(w).pk},
        method="post",
        allowed=PARTIES,
        denied=NOT_PARTIES,
        expected_status=(302,),
    ),
]
