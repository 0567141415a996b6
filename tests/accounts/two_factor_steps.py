"""Steps shared by the two-factor tests: the codes an authenticator application would show."""

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "demo-relogement"


def code_of(device: TOTPDevice, *, steps_back: int = 0) -> str:
    """The code the application shows now (``steps_back=1``: the one of the previous 30 seconds, still
    accepted; a code is accepted once, so an enrolment uses the previous one and a login the current)."""
    # The phone knows nothing of the drift the server may have recorded: none is applied.
    value = totp(
        device.bin_key, step=device.step, t0=device.t0 + steps_back * device.step, digits=device.digits
    )
    return f"{value:0{device.digits}d}"


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    """Enrols ``user`` (signed in on ``client``) through the pages; returns the device and the codes."""
    assert client.get(reverse("two_factor_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_enrol"), {"code": code_of(device, steps_back=1)})
    assert response.status_code == 302 and response.url == reverse("two_factor_recovery_codes")
    codes = client.get(reverse("two_factor_recovery_codes")).context["codes"]
    device.refresh_from_db()
    return device, codes


def password_login(username: str, *, next_url: str = "") -> Client:
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, response.status_code
    return client
