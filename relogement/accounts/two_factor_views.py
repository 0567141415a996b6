"""Pages of two-factor authentication: the second step of the login, the user's own settings, the
enrolment (QR code and key) and the recovery codes (two_factor.py holds the rules)."""

from base64 import b32encode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from relogement.accounts import two_factor
from relogement.accounts.forms import CodeForm
from relogement.accounts.qr import qr_svg
from relogement.core.errors import DomainError

# Recovery codes just issued, shown once by the next page then forgotten.
CODES_SESSION_KEY = "two_factor_new_recovery_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login: a code of the application or a recovery code."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next(request))
    if two_factor.refresh_session_status(request) != "device":
        # No device any more (an administrator reset it): on to the page asked for, or to enrolment.
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    recovery = request.POST.get("mode") == "secours"
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            return HttpResponseRedirect(_next(request))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "recovery": recovery, "totp_errors": not recovery, "next": _next(request)},
    )


@never_cache
def overview(request):
    """The user's own two-factor settings."""
    user = request.user
    return render(
        request,
        "registration/two_factor.html",
        {
            "active": two_factor.has_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": request.session.get(two_factor.SESSION_KEY) == "required",
        },
    )


def _grouped(key: bytes) -> str:
    text = b32encode(key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Scan the QR code (or type the key) in an authenticator application, then confirm with a code."""
    user = request.user
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_enrol(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            request.session[CODES_SESSION_KEY] = codes
            messages.success(request, "La double authentification est activée sur votre compte.")
            return HttpResponseRedirect(reverse("two_factor_recovery_codes"))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "key": _grouped(device.bin_key),
            "replacing": two_factor.has_two_factor(user),
            "required": request.session.get(two_factor.SESSION_KEY) == "required",
        },
    )


@never_cache
def qr_code(request):
    """The QR code of the device being enrolled, as an SVG image (it holds the key: never cached)."""
    device = two_factor.pending_device(request.user)
    svg = qr_svg(device.config_url, title="Code QR à scanner avec l'application d'authentification")
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Recovery codes: shown once just after they are issued; regenerated on request."""
    user = request.user
    if request.method == "POST":
        try:
            request.session[CODES_SESSION_KEY] = two_factor.recovery_codes_regenerate(
                user=user, request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("two_factor"))
        messages.success(request, "Vos anciens codes de secours ne fonctionnent plus.")
        return HttpResponseRedirect(reverse("two_factor_recovery_codes"))
    codes = request.session.pop(CODES_SESSION_KEY, None)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": codes,
            "active": two_factor.has_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )
