"""Secret statistique (INDICATORS.md, Conventions).

Roles without access to named data (``predicates.can_view_named_data`` False: the metropolis) never
see a count below 5, nor a share, mean or median computed from such a count. Read to the letter:
"below 5" includes 0 (docs/indicators.md explains the reading). Authorised roles see exact values.
"""

from __future__ import annotations

from relogement.permissions.predicates import can_view_named_data

THRESHOLD = 5
HIDDEN_LABEL = "< 5"
HIDDEN_TITLE = "secret statistique"


def is_small(count) -> bool:
    return count is not None and count < THRESHOLD


def hidden_for(bases: tuple[int, ...]) -> bool:
    """A figure is hidden when any count it is computed from (numerator, population) is below 5."""
    return any(is_small(b) for b in bases)


def must_hide(user) -> bool:
    return not can_view_named_data(user)
