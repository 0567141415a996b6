"""The national number of a social-housing application (*numéro unique d'enregistrement*, SNE).

Since the national registration system (SNE, 28 March 2011) every application has one 18-character
number, printed on the applicant's *attestation d'enregistrement* (docs/household-file.md § SNE):

    DDD  MMYY  NNNNNN  GGGGG
    059  1023  517879  GDPUB

- ``DDD``: the territory of registration, 3 characters: the département on three digits (``059``,
  ``075``, ``971``), ``02A``/``02B`` for Corsica, or a regional code (``111``: Île-de-France, where
  one application covers the region);
- ``MMYY``: month and year of the first deposit;
- ``NNNNNN``: sequential number of the application;
- ``GGGGG``: code of the registering service (*guichet enregistreur*), 5 letters or digits
  (``GDPUB``: the public website).

People copy it with spaces (``059 1023 517879 GDPUB``) or in lower case: both are accepted and the
number is stored normalised (no space, upper case).
"""

from __future__ import annotations

import re

from django.db.models import F, Value
from django.db.models.functions import Replace, Upper

from relogement.core.errors import DomainError

LENGTH = 18
_PATTERN = re.compile(r"^(?:\d{3}|02[AB])(?:0[1-9]|1[0-2])\d{2}\d{6}[A-Z0-9]{5}$")
FORMAT_HELP = (
    "18 caractères : département (3), mois et année du dépôt (MMAA), numéro d'ordre (6 chiffres), "
    "code du guichet enregistreur (5), p. ex. 059 1023 517879 GDPUB."
)


def normalise(value: str | None) -> str:
    """Without spaces (any whitespace), in upper case; empty stays empty."""
    return "".join((value or "").split()).upper()


def validate(value: str | None) -> str:
    """The normalised number, or DomainError with a French message when it is not an SNE number."""
    number = normalise(value)
    if number and not _PATTERN.match(number):
        raise DomainError(f"Numéro unique SNE invalide : {FORMAT_HELP}")
    return number


# What people type between the groups of an SNE number (older data, imports, other applications).
SNE_SEPARATORS = (" ", "-", ".", "/")


def sne_key():
    """An SNE number as compared in SQL (portable: SQLite and PostgreSQL): upper case, without the
    separators people type. The household table has an index on this very expression
    (``household_sne_key_idx``), so that a lookup by number (duplicates) reads it instead of
    normalising every row of the perimeter."""
    expression = Upper(F("sne_number"))
    for separator in SNE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression
