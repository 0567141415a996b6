"""``Authorization: Token <secret>``: the request acts as the token's service user, for its organisation."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from relogement.api.tokens import token_for_key

KEYWORD = "Token"


class OrganisationTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("En-tête Authorization invalide : « Token <jeton> » attendu.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Jeton d'API inconnu.") from None
        check = token_for_key(key)
        if check.token is None:
            raise AuthenticationFailed(check.refusal)
        return check.token.user, check.token

    def authenticate_header(self, request) -> str:
        # Makes unauthenticated requests 401 (with this challenge) rather than 403.
        return KEYWORD
