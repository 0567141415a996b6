"""Sends a signed-in user who still owes a second factor to the page that asks for it.

After the password a user with a confirmed device must give a code (verification page), and a user
who must use two-factor authentication but has no device must enrol (enrolment page): until then
every other page answers with a redirect there (an htmx request with ``HX-Redirect``), like the
default-deny of LoginRequiredMiddleware. Logging out stays open. The user's status is read from the
session (two_factor.SESSION_KEY, computed at login), so that pages cost no query.

Partner API requests authenticate by token in the view: they carry no session and are not concerned.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from relogement.accounts import two_factor

VERIFY_OPEN = {"two_factor_verify", "logout"}
ENROL_OPEN = {"two_factor_enrol", "two_factor_qr", "two_factor_recovery_codes", "logout"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        status = request.session.get(two_factor.SESSION_KEY)
        if status is None:  # a session opened before this rule existed
            status = two_factor.refresh_session_status(request)
        if status == "optional":
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        if status == "device":
            if name in VERIFY_OPEN:
                return None
            target = reverse("two_factor_verify")
        else:
            if name in ENROL_OPEN:
                return None
            target = reverse("two_factor_enrol")
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # A part loaded by the gate's own page (the menu's alert badge on the enrolment page): a
            # redirect there would reload it, again and again. Nothing to show instead.
            if urlsplit(request.headers.get("HX-Current-URL", "")).path == target.split("?")[0]:
                return HttpResponse(status=204)
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
