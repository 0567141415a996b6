"""Login throttling (django-axes): an account, or an address, that fails too often is locked out.

The rule (docs/operations.md § Sign-in security):

- **per account**: ``LOGIN_FAILURES_PER_ACCOUNT`` (10) failed logins on one username, from any
  address, lock that username out: password guessing against one account is stopped even when the
  attacker spreads it over many addresses;
- **per address**: ``LOGIN_FAILURES_PER_ADDRESS`` (50) failed logins from one address, on any
  usernames, lock that address out: guessing one common password across many accounts is stopped.
  It is higher than the per-account limit because a town hall's agents often share one outgoing
  address, whose honest typing errors must not lock them all out;
- failures are counted over the last ``LOGIN_LOCKOUT_MINUTES`` (30) and a lock-out lasts that long
  after the last failure (each attempt during the lock-out, even with the right password, is refused
  and starts the time again); an administrator unlocks earlier from /securite/comptes/.

django-axes counts the failures (its ``AccessAttempt`` rows, one per username, address and browser)
and refuses a locked-out login in its authentication backend, so that even the right password is
refused. Axes applies one limit to every lock-out parameter; ``LoginThrottleHandler`` gives each its
own by scaling the per-address count onto the per-account limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from relogement.accounts.models import SecurityEventKind, User
from relogement.accounts.security_log import record
from relogement.core.errors import DomainError


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lock-out parameter (module docstring). Requires
    ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` in that order and ``AXES_FAILURE_LIMIT``
    equal to the per-account limit."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.LOGIN_FAILURES_PER_ACCOUNT
        # n * limit // per_address_limit reaches ``limit`` exactly when n reaches the per-address limit.
        scaled_address = per_address * limit // settings.LOGIN_FAILURES_PER_ADDRESS
        if per_account >= limit:
            request.lockout_reason = f"Compte bloqué : {per_account} échecs en {_window()}."
        elif scaled_address >= limit:
            request.lockout_reason = f"Adresse bloquée : {per_address} échecs en {_window()}."
        return max(per_account, scaled_address)


def _window() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def lockout_response(request, response=None, credentials=None):
    """The French page of a refused login (AXES_LOCKOUT_CALLABLE), with status 429."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        status=429,
    )


def cooloff(request=None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: how long failures count and a lock-out lasts (read at each call, so that
    tests may change the setting)."""
    return dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _recent_attempts():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff())


@dataclass(frozen=True)
class Lockout:
    key: str  # the username or the address
    failures: int
    last: dt.datetime


def locked_accounts() -> list[Lockout]:
    """Usernames locked out now (per-account limit reached in the window), most recent first."""
    rows = (
        _recent_attempts()
        .exclude(username=None)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_FAILURES_PER_ACCOUNT)
        .order_by("-last")
    )
    return [Lockout(key=r["username"], failures=r["failures"], last=r["last"]) for r in rows]


def locked_addresses() -> list[Lockout]:
    """Addresses locked out now (per-address limit reached in the window), most recent first."""
    rows = (
        _recent_attempts()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_FAILURES_PER_ADDRESS)
        .order_by("-last")
    )
    return [Lockout(key=r["ip_address"], failures=r["failures"], last=r["last"]) for r in rows]


@transaction.atomic
def account_unlock(*, username: str, actor: User, request=None) -> int:
    """Clears the failures counted against ``username`` (from every address) and logs it. Raises a
    DomainError when nothing was locked."""
    if not any(lock.key == username for lock in locked_accounts()):
        raise DomainError(f"Le compte « {username} » n'est pas bloqué.")
    count = AxesProxyHandler.reset_attempts(username=username)
    record(
        SecurityEventKind.UNLOCKED,
        request=request,
        user=User.objects.filter(username=username).first(),
        username=username,
        detail="Compte débloqué.",
        actor=actor,
    )
    return count


@transaction.atomic
def address_unlock(*, ip_address: str, actor: User, request=None) -> int:
    """Clears the failures counted from ``ip_address`` (on every username) and logs it. Raises a
    DomainError when that address was not locked."""
    if not any(lock.key == ip_address for lock in locked_addresses()):
        raise DomainError(f"L'adresse « {ip_address} » n'est pas bloquée.")
    count = AxesProxyHandler.reset_attempts(ip_address=ip_address)
    record(
        SecurityEventKind.UNLOCKED,
        request=request,
        detail=f"Adresse {ip_address} débloquée.",
        actor=actor,
    )
    return count
