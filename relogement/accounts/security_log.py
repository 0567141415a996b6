"""The security log: every login, failure, lock-out, two-factor event and change of organisation.

Rows are written by ``record`` (called by the services of two_factor.py and throttling.py, the
organisation switch) and by the receivers below, on Django's ``user_logged_in``, ``user_login_failed``
and ``user_logged_out`` signals and on django-axes' ``user_locked_out``. A row holds the account (when
known), the username typed, the client's address (client_ip.py), the kind, a short French detail and,
for an administrator's action, the administrator; never a password, a code or a key.

Administrators read it on /securite/journal/ and export it (security_views.py); docs/personal-data.md
says what it holds and how long it is kept.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from relogement.accounts.client_ip import client_ip
from relogement.accounts.models import SecurityEvent, SecurityEventKind, User

USERNAME_MAX = SecurityEvent._meta.get_field("username").max_length
DETAIL_MAX = SecurityEvent._meta.get_field("detail").max_length


def record(
    kind: SecurityEventKind,
    *,
    request=None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
    actor: User | None = None,
) -> SecurityEvent:
    """Writes one row. ``username`` defaults to the account's; the address is the request's."""
    if user is not None and not user.is_authenticated:
        user = None
    if not username and user is not None:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:USERNAME_MAX],
        ip_address=client_ip(request) if request is not None else None,
        detail=detail[:DETAIL_MAX],
        actor=actor,
    )


def _account(username: str | None) -> User | None:
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs):
    record(SecurityEventKind.LOGIN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the username is read.
    username = str(credentials.get("username") or "")
    record(SecurityEventKind.LOGIN_FAILED, request=request, user=_account(username), username=username)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        detail = getattr(request, "logout_reason", "")
        record(SecurityEventKind.LOGOUT, request=request, user=user, detail=detail)


@receiver(user_locked_out, dispatch_uid="security_log_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    reason = getattr(request, "lockout_reason", "")
    record(
        SecurityEventKind.LOCKED_OUT,
        request=request,
        user=_account(username),
        username=username or "",
        detail=reason,
    )
