"""Creating, revoking and checking API tokens.

The secret is ``rlg_`` followed by 43 URL-safe characters (``secrets.token_urlsafe(32)``: 256 random
bits). Only its SHA-256 hash is stored; with that much entropy a plain hash is enough (no salt or slow
hash is needed to resist guessing), and it lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.api.models import ApiToken
from relogement.core.errors import DomainError
from relogement.permissions.predicates import can_manage_api_tokens
from relogement.permissions.scopes import organisation_of

KEY_PREFIX = "rlg_"
# What stays readable of a token: its first characters, enough to tell tokens apart, far too few to
# guess the rest (35 random characters remain).
VISIBLE_LENGTH = 12
NAME_MAX_LENGTH = 100


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_actor(actor, organisation: Organisation) -> None:
    """``actor`` None is the command line (the server's operator); a person must be allowed to manage
    the tokens of the organisation they act for, and only that one's."""
    if actor is None:
        return
    if not can_manage_api_tokens(actor) or organisation_of(actor) != organisation:
        raise DomainError("Vous n'avez pas le droit de gérer les jetons d'API de cette organisation.")


@transaction.atomic
def api_token_create(
    *, organisation: Organisation, name: str, expires_on: dt.date | None = None, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the organisation; returns it with its secret, which is never stored."""
    _check_actor(actor, organisation)
    if organisation.kind == OrganisationKind.ADMIN:
        raise DomainError(
            f"« {organisation.name} » est l'organisation d'administration : elle n'a pas de données à "
            "échanger par l'API."
        )
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au jeton (par exemple le logiciel qui l'utilisera).")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"Le nom du jeton ne peut pas dépasser {NAME_MAX_LENGTH} caractères.")
    if expires_on is not None and expires_on < timezone.localdate():
        raise DomainError("La date de fin de validité ne peut pas être passée.")
    if ApiToken.objects.filter(organisation=organisation, name=name, revoked_at__isnull=True).exists():
        raise DomainError(f"Un jeton actif de « {organisation.name} » s'appelle déjà « {name} ».")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    service_user = User(
        username=f"jeton-api-{secrets.token_hex(8)}",
        first_name="Jeton d'API",
        last_name=f"{name} ({organisation.name})"[:150],
    )
    service_user.set_unusable_password()
    service_user.save()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                organisation=organisation,
                name=name,
                prefix=key[:VISIBLE_LENGTH],
                key_hash=hash_key(key),
                user=service_user,
                created_by=actor,
                expires_on=expires_on,
            )
    except IntegrityError as exc:  # the same name created concurrently
        raise DomainError(f"Un jeton actif de « {organisation.name} » s'appelle déjà « {name} ».") from exc
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """Revoke the token for good: its requests are refused from now on, and its service user is
    deactivated so that nothing can act as it any more."""
    _check_actor(actor, token.organisation)
    token = ApiToken.objects.select_for_update(no_key=True).select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(f"Le jeton « {token.name} » est déjà révoqué.")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    return token


@dataclass(frozen=True)
class Check:
    token: ApiToken | None
    # French reason of a refusal, for the 401 answer (the caller holds the secret: telling it that its
    # token expired or was revoked reveals nothing it does not know).
    refusal: str = ""


def token_for_key(key: str, *, now: dt.datetime | None = None) -> Check:
    """The live token whose secret is ``key``, its service user acting for the token's organisation,
    and its last use recorded; or the reason it is refused."""
    now = now or timezone.now()
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return Check(None, "Jeton d'API inconnu.")
    token = ApiToken.objects.select_related("organisation", "user").filter(key_hash=hash_key(key)).first()
    if token is None:
        return Check(None, "Jeton d'API inconnu.")
    if token.revoked_at is not None:
        return Check(None, f"Jeton d'API révoqué le {timezone.localtime(token.revoked_at):%d/%m/%Y}.")
    if token.expires_on is not None and timezone.localdate(now) > token.expires_on:
        return Check(None, f"Jeton d'API expiré depuis le {token.expires_on:%d/%m/%Y}.")
    if not token.user.is_active:
        return Check(None, "Jeton d'API désactivé.")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    # The whole application scopes by the organisation the user acts for (permissions.scopes).
    token.user.active_organisation = token.organisation
    return Check(token)
