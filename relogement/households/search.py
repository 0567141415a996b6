"""Accent- and case-insensitive name search, the same query on PostgreSQL and SQLite.

Names are compared folded: lower case, without accents (``Zéphyrin``, ``ZEPHYRIN`` and ``zephyrin``
are the same name). The folding is one SQL function, ``relogement_fold(text)``:

- on PostgreSQL, an immutable SQL function over the ``unaccent`` extension (migration
  ``households`` 0011), with GIN trigram indexes (``pg_trgm``, ``gin_trgm_ops``) on the folded
  names of households and members: ``relogement_fold(name) LIKE '%ma%'`` is answered from the index
  instead of scanning and folding every name;
- on SQLite (development, tests), the Python function ``fold`` below, registered on each connection
  (``HouseholdsConfig.ready``): no index, a scan, as before.

The search term is folded by ``fold`` on both, so that both sides of the comparison agree.
"""

from __future__ import annotations

import unicodedata

from django.db.models import F, Func, TextField
from django.db.models.lookups import Contains

FUNCTION = "relogement_fold"
# What unaccent turns into two letters and NFKD leaves alone.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str | None) -> str | None:
    """Lower case, without accents (PostgreSQL: ``lower(unaccent(text))``)."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def folded(field: str) -> Func:
    return Func(F(field), function=FUNCTION, output_field=TextField())


def name_contains(field: str, q: str) -> Contains:
    """``field`` holds ``q``, accents and case aside: a condition for ``filter()`` or ``Q()``.
    ``contains`` (LIKE), not ``icontains``: both sides are already in lower case, and an UPPER()
    around the folded name would no longer match the trigram index's expression."""
    return Contains(folded(field), fold(q.strip()))


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite gets ``relogement_fold`` as a Python function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
