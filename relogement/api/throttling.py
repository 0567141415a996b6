"""Requests per token (``settings.API_THROTTLE_RATE``): one partner system cannot starve the others."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from relogement.api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "jeton"

    def get_rate(self) -> str:
        # Read at each request rather than bound at import, so that a deployment (or a test) sets it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        # The hash, not the primary key: a key reused after a rollback (tests) or a restore would
        # inherit another token's history.
        return self.cache_format % {"scope": self.scope, "ident": token.key_hash}
