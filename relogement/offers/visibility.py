"""The offers of other landlords that a landlord sees, kept per version of the data that decides them.

A landlord sees its own offers and those on which a household of its perimeter is positioned (the
households of its buildings, or positioned on one of its offers: ``scopes.household_filter``). The
second part joins every proposal with every household: at 100,000 households PostgreSQL hashes them
all at each query, ~200 ms for the offers list's count and as much again for its page, for a set
(13,000 offers for the largest landlord) that changes only when a proposal, a household, a building
or an offer is written. It is computed once per version of those tables and the queries test the
offer's key against the cached ids (one array parameter, a hash probe per offer: 10 ms for the count).

The version is the indicators' data version (proposals, households, buildings and their history
tables, and the generation that the triggers move on writes that bypass Django: ``indicators.cache``)
plus the offers and their history (the offers' landlords decide the second half of the perimeter).
With the cache off (``INDICATORS_CACHE_SECONDS=0``, the tests by default) the set stays a subquery.
"""

from __future__ import annotations

from functools import cache as memoize

from django.apps import apps
from django.db.models import Exists, F, Lookup, OuterRef, Q

from relogement.indicators import cache as figures_cache
from relogement.permissions import scopes


class _IdIn(Lookup):
    """The key is one of ``ids`` (``"1,2,3"``), sent as one text parameter: 13,000 ids as an IN list
    cost PostgreSQL 15 ms more to parse than one array, and as a list parameter psycopg 15 ms to quote
    it element by element."""

    lookup_name = "id_in"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + self.rhs + "}")

    def as_sql(self, compiler, connection):  # SQLite (the tests)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, "[" + self.rhs + "]")


def _offer_model():
    return apps.get_model("offers", "HousingOffer")


@memoize
def _tables() -> tuple[tuple[str, str], ...]:
    tables = set(figures_cache.version_tables())
    offer = _offer_model()
    for model in (offer, offer.history.model):
        tables.add((model._meta.db_table, model._meta.pk.column))
    return tuple(sorted(tables))


def version() -> str | None:
    """The largest key of each table the set depends on, after the facts' refresh (a write that
    bypassed Django moves the generation); None when the cache is off."""
    if figures_cache.seconds() <= 0:
        return None
    return figures_cache.refreshed_version(_tables())


def _positioned_subquery(org):
    Proposal = apps.get_model("offers", "Proposal")
    return Proposal.objects.filter(scopes.household_filter_for_organisation(org, field="household_id"))


def _foreign_ids(org) -> str:
    """The ids, comma-separated: what the queries send, and quicker to unpickle than a list."""
    ids = (
        _offer_model()
        .objects.exclude(landlord=org)
        .filter(pk__in=_positioned_subquery(org).values("offer_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return ",".join(str(pk) for pk in ids)


def positioned_offers(org) -> Q:
    """Condition on offers: a household of the landlord ``org``'s perimeter is positioned on it (its
    own offers aside when the set comes from the cache; the caller adds them anyway)."""
    current = version()
    if current is None:
        return Q(pk__in=_positioned_subquery(org).values("offer_id"))
    ids = figures_cache.cached(
        ("offers-positioned-elsewhere", f"org-{org.pk}"), lambda: _foreign_ids(org), version=current
    )
    return Q(_IdIn(F("pk"), ids))


def _positioned_household_ids(org) -> str:
    Proposal = apps.get_model("offers", "Proposal")
    ids = (
        Proposal.objects.filter(offer__landlord=org)
        .order_by("household_id")
        .values_list("household_id", flat=True)
        .distinct()
    )
    return ",".join(str(pk) for pk in ids)


def positioned_households(org, field: str) -> Q:
    """Condition on households (``field``: their key, "pk" or "<relation>_id"): positioned on one of the
    landlord ``org``'s offers. Part of every landlord's perimeter (``scopes.household_filter``): as a
    subquery, PostgreSQL joined the landlord's offers with every proposal at each query (25 ms of its
    household list's 35 at 100,000 households); kept per data version like the offers above."""
    current = version()
    if current is None:
        Proposal = apps.get_model("offers", "Proposal")
        return Q(Exists(Proposal.objects.filter(offer__landlord=org, household_id=OuterRef(field))))
    ids = figures_cache.cached(
        ("households-positioned-on", f"org-{org.pk}"), lambda: _positioned_household_ids(org), version=current
    )
    return Q(_IdIn(F(field), ids))
