"""Sessions end after an idle time and after an absolute time, whichever comes first.

- **Idle**: ``SESSION_IDLE_TIMEOUT_MINUTES`` (default 30) without activity. The time of the last
  activity is kept in the session.
- **Absolute**: ``SESSION_COOKIE_AGE`` (default 8 hours) after the login, however active the user.
  The login time is kept in the session and the session's own expiry is pinned to that instant, so
  that the cookie and the stored session die with it (a session written later does not push it back).

When either is exceeded the user is logged out and sent to the login page with a French message
(an htmx request gets an ``HX-Redirect`` so that the whole page goes there, not the fragment).

What counts as activity: every request of a logged-in user except background polling. A page that
polls for progress (the exchange import and export, every second) sends ``X-Relogement-Polling``
(``hx-headers`` on the polling element): it does not keep the session alive, otherwise a page left
open on a running job would never time out. Polling still ends the session when the time is over.
A client could omit the header, but that only lets it do what any request does.

The last activity is written at most once per ``ACTIVITY_RESOLUTION`` seconds: writing the session on
every request (each htmx call) would cost a database write each time, and a minute is small against
the idle time.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

STARTED_KEY = "session_started_at"
ACTIVITY_KEY = "session_last_activity_at"
POLLING_HEADER = "X-Relogement-Polling"
ACTIVITY_RESOLUTION = 60


def now() -> float:
    """The current time in seconds (a function, so that tests can move the clock)."""
    return timezone.now().timestamp()


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} heure{'s' if hours > 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def expiry_message(session, *, at: float) -> str | None:
    """Why the session is over at ``at`` (a French message), or None while it is valid."""
    started = session.get(STARTED_KEY, at)
    if at - started > settings.SESSION_COOKIE_AGE:
        return (
            f"Votre session a expiré : elle dure au plus {_duration(settings.SESSION_COOKIE_AGE)}. "
            "Reconnectez-vous pour continuer."
        )
    idle = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    if at - session.get(ACTIVITY_KEY, at) > idle:
        return (
            f"Votre session a expiré après {_duration(idle)} d'inactivité. Reconnectez-vous pour continuer."
        )
    return None


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    at = now()
    request.session[STARTED_KEY] = at
    request.session[ACTIVITY_KEY] = at
    request.session.set_expiry(
        dt.datetime.fromtimestamp(at, tz=dt.UTC) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def _is_polling(request) -> bool:
    return request.headers.get(POLLING_HEADER) == "1"


def _login_redirect(request):
    if request.headers.get("HX-Request") == "true":
        # Back to the page the fragment belongs to, not to the fragment itself.
        current = request.headers.get("HX-Current-URL", "")
        page = "/"
        if url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
            parts = urlsplit(current)
            page = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
        return HttpResponseClientRedirect(redirect_to_login(page).url)
    return redirect_to_login(request.get_full_path())


class SessionTimeoutMiddleware:
    """Ends a logged-in session that is idle or too old (module docstring). After the message middleware,
    so that the message can be shown on the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # API clients authenticate by token in the view: request.user is anonymous here for them.
        if request.user.is_authenticated:
            at = now()
            message = expiry_message(request.session, at=at)
            if message:
                request.logout_reason = "Session expirée"  # the detail of the security log's row
                logout(request)
                messages.warning(request, message)
                return _login_redirect(request)
            session = request.session
            if STARTED_KEY not in session:  # a session opened before this rule existed
                session[STARTED_KEY] = at
            if not _is_polling(request) and at - session.get(ACTIVITY_KEY, 0) >= ACTIVITY_RESOLUTION:
                session[ACTIVITY_KEY] = at
        return self.get_response(request)
