"""Access matrix of the API: every endpoint, with a token of each persona's organisation.

Outside the perimeter: 404, as on the pages. A write the role may not do on an object it sees: 403
with a French message (``denied_status``). The administration organisation gets no token at all
(tests/api/test_tokens.py), so it has no API case; its pages (schema, documentation) are sessions.
"""

from django.contrib.auth.models import Permission

from relogement.api.tokens import api_token_create
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
