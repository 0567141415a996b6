"""Access matrix of the grievance URLs: organisations that see the household see its grievances (the
metropolis only aggregates); recording needs named data; each escalation level has its handler;
everyone else gets 404."""

from relogement.grievances.models import GrievanceStatus
from tests.access import UrlCase
from tests.grievances.builders import grievance_for

READERS = ("mous", "commune", "social_a", "landlord")
OUTSIDE = ("social_b", "outsider", "metropolis", "admin")

CASES = [
    UrlCase(
        "grievances:list",
        allowed=("mous", "commune", "social_a", "social_b", "landlord", "outsider"),
        denied=("metropolis", "admin"),
    ),
    UrlCase(
        "grievances:list",
        query="?etat=en_retard&objet=loyer",
        allowed=("mous", "commune"),
        denied=("metropolis", "admin"),
    ),
    UrlCase("grievances:create", kwargs=lambda w: {"pk": w.household_a.pk}, allowed=READERS, denied=OUTSIDE),
    UrlCase(
        "grievances:create",
        method="post",
        kwargs=lambda w: {"pk": w.household_a.pk},
        data=lambda w: {
            "category": "demenagement",
            "channel": "telephone",
            "received_on": "2026-01-12",
            "responsible": w.orgs["mous"].pk,
            "description": "Cartons non livrés.",
        },
        allowed=("mous", "social_a"),
        denied=OUTSIDE,
        expected_status=(302,),
    ),
    UrlCase(
        "grievances:detail", kwargs=lambda w: {"pk": grievance_for(w).pk}, allowed=READERS, denied=OUTSIDE
    ),
    UrlCase(
        "grievances:action",
        method="post",
        kwargs=lambda w: {"pk": grievance_for(w).pk, "action": "acknowledge"},
        allowed=("mous",),
        denied=("commune", "social_a", "landlord", *OUTSIDE),
        expected_status=(302,),
    ),
    UrlCase(
        "grievances:action",
        method="post",
        kwargs=lambda w: {
            "pk": grievance_for(w, status=GrievanceStatus.COMMUNE).pk,
            "action": "escalate_metropolis",
        },
        data=lambda w: {"reason": "Pas de solution locale."},
        allowed=("commune",),
        denied=("mous", "social_a", "landlord", *OUTSIDE),
        expected_status=(302,),
    ),
]
