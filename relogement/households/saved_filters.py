"""Named views of the household list, one user's own (issue 18, point 3).

A saved filter keeps the list's query string (filters, sort, columns) without the free-text search and
the page; it is read, replaced and deleted by its owner only: every fetch goes through ``owned_by``,
so another user's filter is a 404 like anything outside a perimeter.
"""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from relogement.core.errors import DomainError
from relogement.households.models import SavedListFilter

MAX_PER_USER = 50
# Never kept: the search may hold a person's name; the page and the CSRF token mean nothing later.
DROPPED = ("q", "page", "csrfmiddlewaretoken", "name", "back")


def owned_by(user):
    return SavedListFilter.objects.filter(user=user)


def saved_filter_get(*, user, pk: int) -> SavedListFilter:
    return get_object_or_404(owned_by(user), pk=pk)


def clean_querystring(querystring: str) -> tuple[str, list[str]]:
    """The query string as kept (without ``DROPPED``) and the columns it chooses."""
    query = QueryDict(querystring or "", mutable=True)
    for key in DROPPED:
        query.pop(key, None)
    return query.urlencode(), [c for c in query.getlist("cols") if c]


@transaction.atomic
def saved_filter_save(*, user, name: str, querystring: str) -> tuple[SavedListFilter, bool]:
    """Create the user's filter named ``name``, or replace the one of that name. Returns (filter,
    created)."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au filtre à enregistrer.")
    if len(name) > 80:
        raise DomainError("Le nom du filtre ne peut pas dépasser 80 caractères.")
    kept, columns = clean_querystring(querystring)
    existing = owned_by(user).select_for_update(no_key=True).filter(name=name).first()
    if existing is None:
        if owned_by(user).count() >= MAX_PER_USER:
            raise DomainError(
                f"Vous avez déjà {MAX_PER_USER} filtres enregistrés : supprimez-en un avant d'en ajouter."
            )
        return SavedListFilter.objects.create(user=user, name=name, querystring=kept, columns=columns), True
    existing.querystring = kept
    existing.columns = columns
    existing.save(update_fields=["querystring", "columns", "updated_at"])
    return existing, False


@transaction.atomic
def saved_filter_rename(*, saved: SavedListFilter, name: str) -> SavedListFilter:
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom au filtre.")
    if len(name) > 80:
        raise DomainError("Le nom du filtre ne peut pas dépasser 80 caractères.")
    if owned_by(saved.user).filter(name=name).exclude(pk=saved.pk).exists():
        raise DomainError(f"Vous avez déjà un filtre nommé « {name} ».")
    saved.name = name
    saved.save(update_fields=["name", "updated_at"])
    return saved


def saved_filter_delete(*, saved: SavedListFilter) -> None:
    saved.delete()
