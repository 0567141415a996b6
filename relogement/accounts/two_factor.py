"""Two-factor authentication (TOTP, django-otp) and its recovery codes.

- **Enrolment**: ``pending_device`` gives the user an unconfirmed TOTP device (a new random key);
  the page shows its QR code (generated here, qr.py) and the key; ``two_factor_enrol`` confirms it
  with a code from the application, replaces any previous device, issues ``RECOVERY_CODES`` recovery
  codes and marks the session verified.
- **Login**: after the password, a user with a confirmed device is sent to the verification page
  (middleware.TwoFactorMiddleware) until ``two_factor_verify`` accepts a code of the application or a
  recovery code (each recovery code works once). django-otp slows down repeated wrong codes on a
  device (a wait of 1, 2, 4, 8… seconds after each failure).
- **Mandatory**: with ``OTP_REQUIRED`` on, a user for whom ``predicates.must_use_two_factor`` holds and
  who has no device is sent to the enrolment page before anything else.
- **Reset**: an administrator removes a user's devices (lost phone) with ``two_factor_reset``; the
  user enrols again at the next login (or may sign in with a password alone when 2FA is optional).

Every step writes the security log. What the session remembers (``SESSION_KEY``) is computed at login,
so that pages cost no query for users without a device.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relogement.accounts.models import SecurityEventKind, User
from relogement.accounts.security_log import record
from relogement.core.errors import DomainError
from relogement.permissions.predicates import must_use_two_factor

RECOVERY_CODES = 10
DEVICE_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
# What the session knows about the user's second factor: "device" (has one, must verify), "required"
# (has none and must enrol), "optional" (has none and may go on).
SESSION_KEY = "two_factor_status"


def _totp_devices(user: User):
    return TOTPDevice.objects.filter(user=user)


def has_two_factor(user: User) -> bool:
    return _totp_devices(user).filter(confirmed=True).exists()


def status_of(user: User) -> str:
    if has_two_factor(user):
        return "device"
    if settings.OTP_REQUIRED and must_use_two_factor(user):
        return "required"
    return "optional"


def refresh_session_status(request) -> str:
    status = status_of(request.user)
    request.session[SESSION_KEY] = status
    return status


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device being enrolled (created with a fresh key when there is none)."""
    device = _totp_devices(user).filter(confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def normalise_code(text: str) -> str:
    """A code as typed, without spaces or dashes (recovery codes are shown as ``abcd-efgh``)."""
    return re.sub(r"[\s-]", "", text or "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def _issue_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_NAME})
    device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    device.token_set.all().delete()
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [format_recovery_code(t) for t in tokens]


WRONG_CODE = "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et saisissez le code affiché."
WAIT = "Trop de codes erronés : patientez quelques secondes avant de réessayer."


def _check(user: User, device, code: str) -> str | None:
    """None when ``code`` is accepted by ``device``, else why it is refused (French). django-otp
    refuses any code during the wait that follows a wrong one (1, 2, 4… seconds)."""
    if not device.verify_is_allowed()[0]:
        return WAIT
    if verify_token(user, device.persistent_id, code) is None:
        return WRONG_CODE
    return None


def two_factor_enrol(*, user: User, code: str, request) -> list[str]:
    """Confirms the pending device with ``code``, removes the user's previous devices, issues new
    recovery codes (returned in clear, to be shown once) and verifies the session. Not one
    transaction: a wrong code's throttling must be kept when the enrolment is refused."""
    device = _totp_devices(user).filter(confirmed=False).order_by("pk").first()
    if device is None:
        raise DomainError("Aucune activation en cours : rechargez la page pour obtenir un nouveau code QR.")
    code = normalise_code(code)
    if not re.fullmatch(r"\d{6}", code):
        raise DomainError("Saisissez les 6 chiffres affichés par l'application.")
    refusal = _check(user, device, code)
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        _totp_devices(user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _issue_recovery_codes(user)
        record(SecurityEventKind.TWO_FACTOR_ENROLLED, request=request, user=user)
    otp_login(request, device)
    request.session[SESSION_KEY] = "device"
    return codes


def two_factor_verify(*, user: User, code: str, request) -> None:
    """Accepts a code of the application (6 digits) or a recovery code, and verifies the session.
    Raises a French DomainError otherwise; every attempt is logged."""
    code = normalise_code(code)
    is_totp = bool(re.fullmatch(r"\d{6}", code))
    model = TOTPDevice if is_totp else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).order_by("pk").first()
    refusal = WRONG_CODE if device is None or not code else _check(user, device, code)
    if refusal:
        kind = "code de l'application" if is_totp else "code de secours"
        record(SecurityEventKind.TWO_FACTOR_FAILED, request=request, user=user, detail=f"{kind} refusé")
        raise DomainError(refusal)
    otp_login(request, device)
    request.session[SESSION_KEY] = "device"
    if is_totp:
        record(SecurityEventKind.TWO_FACTOR_SUCCESS, request=request, user=user)
    else:
        left = StaticToken.objects.filter(device=device).count()
        record(
            SecurityEventKind.RECOVERY_CODE_USED,
            request=request,
            user=user,
            detail=f"{left} code{'s' if left > 1 else ''} de secours restant{'s' if left > 1 else ''}",
        )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request) -> list[str]:
    """Replaces the user's recovery codes (the old ones stop working)."""
    if not has_two_factor(user):
        raise DomainError("La double authentification n'est pas activée sur votre compte.")
    codes = _issue_recovery_codes(user)
    record(SecurityEventKind.RECOVERY_CODES_ISSUED, request=request, user=user)
    return codes


@transaction.atomic
def two_factor_reset(*, user: User, actor: User, request=None) -> None:
    """An administrator removes every device of ``user`` (application and recovery codes)."""
    if not (has_two_factor(user) or StaticDevice.objects.filter(user=user).exists()):
        raise DomainError(f"La double authentification n'est pas activée pour {user}.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(SecurityEventKind.TWO_FACTOR_RESET, request=request, user=user, actor=actor)


@receiver(user_logged_in, dispatch_uid="two_factor_status_at_login")
def _status_at_login(sender, request, user, **kwargs):
    request.session[SESSION_KEY] = status_of(user)
