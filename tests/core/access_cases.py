from django.test import Client

from tests.access import UrlCase

EVERYONE = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "admin", "outsider")


def _client(world, persona):
    # Probes of a load balancer have no session: the health check answers them too.
    return Client() if persona == "anonymous" else world.client_for(persona)


CASES = [
    UrlCase("core:health", allowed=("anonymous", *EVERYONE), denied=(), client=_client),
    # The glossary holds no data of a perimeter: every signed-in user reads it (the sign-in page for
    # the others, tests/core/test_help.py).
    UrlCase("core:glossary", allowed=EVERYONE, denied=()),
]
