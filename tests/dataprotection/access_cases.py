"""The DPO's tools are the administrators' (after a search, for a named household); the information
notice is also printed by those who keep the household's file. Everyone else gets 404."""

from django.urls import reverse

from tests.access import UrlCase

OTHERS = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")


def _searched(world, persona):
    """The DPO opens a household only after searching it (selectors.household_for_dpo)."""
    client = world.client_for(persona)
    client.get(reverse("dataprotection:home"), {"q": world.household_a.reference})
    return client


def _household(world):
    return {"pk": world.household_a.pk}


CASES = [
    UrlCase("dataprotection:home", allowed=("admin",), denied=OTHERS),
    UrlCase("dataprotection:home", query="?q=CONC-001", allowed=("admin",), denied=OTHERS),
    *[
        UrlCase(name, kwargs=_household, allowed=("admin",), denied=OTHERS, client=_searched)
        for name in (
            "dataprotection:household",
            "dataprotection:access_pdf",
            "dataprotection:access_archive",
            "dataprotection:erase",
        )
    ],
    # Household A is being rehoused: the erasure is refused and the page shown again with its reasons.
    UrlCase(
        "dataprotection:erase",
        kwargs=_household,
        method="post",
        data=lambda w: {"requested_on": "2026-01-05", "reason": "Courrier du 5 janvier", "no_dispute": "on"},
        allowed=("admin",),
        denied=OTHERS,
        client=_searched,
    ),
    UrlCase(
        "dataprotection:notice",
        kwargs=_household,
        allowed=("admin", "mous", "social_a"),
        denied=("social_b", "commune", "landlord", "metropolis", "outsider"),
        client=_searched,
    ),
    UrlCase("dataprotection:register", allowed=("admin",), denied=OTHERS),
    UrlCase("dataprotection:changes", allowed=("admin",), denied=OTHERS),
    UrlCase("dataprotection:changes_csv", allowed=("admin",), denied=OTHERS),
    UrlCase("dataprotection:controller", allowed=("admin",), denied=OTHERS),
    UrlCase(
        "dataprotection:controller",
        method="post",
        data=lambda w: {
            "name": "Métropole",
            "address": "1 rue du Ballon, Lille",
            "dpo_contact": "dpo@example.org",
        },
        allowed=("admin",),
        denied=OTHERS,
        expected_status=(302,),
    ),
]
