"""One error format for every answer that is not a success (docs/api.md § Erreurs)::

    {"code": "invalide", "message": "…", "champs": {"loyer": ["Le loyer ne peut pas être négatif."]}}

``code`` is stable (a client may branch on it); ``message`` is French, for people; ``champs`` lists,
for invalid input only, the reasons per field (``general`` for a reason that is about no one field).
A business rule refused by a service (``DomainError``) is invalid input too: 400, nothing written.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from relogement.core.errors import DomainError

NOT_FOUND = "Introuvable : cet objet n'existe pas ou n'est pas dans le périmètre de votre organisation."
NOT_AUTHENTICATED = "Authentification requise : en-tête « Authorization: Token <jeton> »."
INVALID = "Données invalides : voir les raisons par champ."

CODES = {
    status.HTTP_400_BAD_REQUEST: "invalide",
    status.HTTP_401_UNAUTHORIZED: "non_authentifie",
    status.HTTP_403_FORBIDDEN: "interdit",
    status.HTTP_404_NOT_FOUND: "introuvable",
    status.HTTP_405_METHOD_NOT_ALLOWED: "methode_non_permise",
    status.HTTP_406_NOT_ACCEPTABLE: "format_non_disponible",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "format_non_accepte",
    status.HTTP_429_TOO_MANY_REQUESTS: "trop_de_requetes",
}


def error_body(status_code: int, message: str, fields: dict | None = None) -> dict:
    body = {"code": CODES.get(status_code, "erreur"), "message": message}
    if fields is not None:
        body["champs"] = fields
    return body


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {name: _messages(value) for name, value in detail.items()}
    return {"general": _messages(detail)}


def _messages(value) -> list[str]:
    """The reasons of one field as text (input is flat JSON: no nested objects to report)."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(
            error_body(400, exc.message, {"general": [exc.message]}), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's 500 (and its log), never a detail leaked to the caller
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(exc.status_code, INVALID, _fields(exc.detail))
    elif isinstance(exc, exceptions.NotAuthenticated):
        body = error_body(exc.status_code, NOT_AUTHENTICATED)
    elif isinstance(exc, exceptions.Throttled):
        wait = f" : réessayez dans {int(exc.wait)} s" if exc.wait else ""
        body = error_body(exc.status_code, f"Trop de requêtes pour ce jeton{wait}.")
    else:
        body = error_body(exc.status_code, str(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)
