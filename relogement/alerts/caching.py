"""The alert rules' results, kept per user for as long as nothing they read has changed.

The menu's badge asks for the user's alerts on every page, and the home page for the work queue: the
rules read proposals, steps, follow-ups, requests, committees and grievances across the whole perimeter
(100–300 ms at 100,000 households), for an answer that changes only when somebody writes. The pages
keep it under a key made of the user, the organisation they act for, the day (the rules compare dates
with today) and an **activity version**: the indicators' data version (``indicators.cache``, the facts
refreshed first, so that a write bypassing Django moves it too) and the largest primary key of every
table of the applications the rules read, in one query. Every insert moves it, and so does every save through the
services, which writes a history row (django-simple-history). An update or a deletion that writes no
history row (none of the services the rules depend on does, but SQL could) is seen at the latest
after ``ALERTS_CACHE_SECONDS`` (60 s by default); 0 turns the cache off, as in the tests that do not
enable it (``config/settings_test.py`` sets the indicators' cache to 0, which this one follows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache as memoize

from django.apps import apps
from django.conf import settings

from relogement.indicators import cache as figures_cache
from relogement.permissions.scopes import organisation_of

DEFAULT_SECONDS = 60
# The applications whose tables the rules read (alerts.rules), and what decides who sees what.
APPS = (
    "accounts",
    "alerts",
    "followup",
    "governance",
    "grievances",
    "households",
    "offers",
    "projects",
    "rehousing",
    "requests",
)


def seconds() -> int:
    if figures_cache.seconds() <= 0:
        return 0
    return int(getattr(settings, "ALERTS_CACHE_SECONDS", DEFAULT_SECONDS))


@memoize
def _tables() -> tuple[tuple[str, str], ...]:
    tables = set(figures_cache.version_tables())
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.add((model._meta.db_table, model._meta.pk.column))
    return tuple(sorted(tables))


def activity_version() -> str | None:
    """The last primary key of every table the indicators' data version reads and of every table of
    ``APPS``, after the facts' refresh (its EXISTS when nothing is stale, then one SELECT); None when
    the cache is off. A page that keeps several figures reads it once and passes it to each."""
    if seconds() <= 0:
        return None
    return figures_cache.refreshed_version(_tables())


def for_user(
    user, name: str, compute: Callable, *, today: dt.date, version: str | None = None, parts: tuple = ()
):
    """``compute()``, or what it returned for the same user, organisation, day, ``parts`` and activity
    version (``version``: from ``activity_version`` earlier in the same request, else read here)."""
    ttl = seconds()
    if ttl <= 0:
        return compute()
    org = organisation_of(user)
    key = (f"alerts-{name}", user.pk, org.pk if org else None, today.isoformat(), *parts)
    return figures_cache.cached(key, compute, version=version or activity_version(), ttl=ttl)
