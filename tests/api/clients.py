"""API clients for the tests: JSON bodies and a token of the persona's organisation."""

from __future__ import annotations

from django.test import Client

from relogement.api.tokens import api_token_create


class ApiClient(Client):
    """A test client that sends ``Authorization: Token <key>`` and JSON bodies."""

    def __init__(self, key: str | None = None, **kwargs):
        headers = {"Authorization": f"Token {key}"} if key else {}
        super().__init__(headers=headers, **kwargs)
        self.key = key

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(path, data, content_type=content_type, **extra)

    def patch(self, path, data=None, content_type="application/json", **extra):
        return super().patch(path, data, content_type=content_type, **extra)


def key_for(world, persona: str) -> str:
    """One token per persona's organisation and test (created on first use)."""
    keys = world.__dict__.setdefault("_api_keys", {})
    if persona not in keys:
        _, keys[persona] = api_token_create(organisation=world.orgs[persona], name=f"Logiciel de {persona}")
    return keys[persona]


def api_client(world, persona: str) -> ApiClient:
    return ApiClient(key_for(world, persona))
