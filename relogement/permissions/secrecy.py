"""Secret statistique (INDICATORS.md, Conventions): the one rule for every count shown on any page.

Roles without access to named data (``predicates.can_view_named_data`` False: the metropolis) never
see a count of households below 5, nor a share, mean or median computed from such a count. Read to the
letter: "below 5" includes 0 (docs/indicators.md explains the reading). Authorised roles see exact
values. The dashboards apply it through ``hidden_for``/``is_small``; every other page shows its counts
through the ``{% effectif %}`` template tag (``relogement/core/templatetags/secrecy.py``), which calls
``count_hidden`` here.
"""

from __future__ import annotations

from html import escape

from relogement.permissions.predicates import can_view_named_data

THRESHOLD = 5
HIDDEN_LABEL = "< 5"
HIDDEN_TITLE = "secret statistique"
# How a hidden count reads on screen, the same on the dashboards and on every other page.
HIDDEN_HTML = (
    f'<span class="secret" title="{escape(HIDDEN_TITLE)}">&lt; 5'
    f'<span class="visually-hidden"> ({escape(HIDDEN_TITLE)})</span></span>'
)


def is_small(count) -> bool:
    return count is not None and count < THRESHOLD


def hidden_for(bases: tuple[int, ...]) -> bool:
    """A figure is hidden when any count it is computed from (numerator, population) is below 5."""
    return any(is_small(b) for b in bases)


def must_hide(user) -> bool:
    """Small counts are hidden from the roles that do not see named data (the metropolis)."""
    return not can_view_named_data(user)


def count_hidden(user, *bases) -> bool:
    """Whether a count (or a figure computed from the counts ``bases``) is hidden from this user.
    Without a known user the count is hidden: a page that forgot to say who reads it shows less,
    never more."""
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    return must_hide(user) and hidden_for(bases)
