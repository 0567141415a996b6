"""A real browser (Playwright driving Debian's Chromium) enrols a user in two-factor authentication
and logs in with a code, as a person would: the QR code is an image served by the application under
the strict CSP, the key is read from the page, the codes are those an authenticator would show."""

import os
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp

from tests.browser.test_login_and_lists import LAUNCH_ARGS, browser_page, chromium_path  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def authenticator_code(key_text: str, *, steps_back: int = 0) -> str:
    """What an authenticator application shows for the key typed from the page."""
    key = b32decode(key_text.replace(" ", ""))
    return f"{totp(key, t0=steps_back * 30):06d}"


def login(page, base, username):
    page.goto(base + reverse("login"))
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("demo-relogement")
    page.get_by_role("button", name="Se connecter").click()


def test_enrol_in_two_factor_then_log_in_with_a_code(world, live_server, settings, browser_page):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.OTP_REQUIRED = True
    page = browser_page
    base = live_server.url
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # Mandatory: after the password, the enrolment page before anything else.
    login(page, base, "social_a")
    page.wait_for_url(f"{base}{reverse('two_factor_enrol')}**")
    qr = page.get_by_role(
        "img",
        name="Code QR à scanner avec l'application d'authentification (la clé est aussi donnée en texte ci-dessous)",
    )
    # The image is a request of its own: wait (bounded) until it has drawn.
    qr.wait_for()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000
    )
    key = page.locator("#cle-secrete").inner_text()
    page.get_by_label("Code à 6 chiffres").fill(authenticator_code(key, steps_back=1))
    page.get_by_role("button", name="Confirmer et activer").click()
    page.wait_for_url(base + reverse("two_factor_recovery_codes"))
    codes = page.get_by_role("list", name="Vos 10 codes de secours").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(base + reverse("home"))
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(base + reverse("login"))

    # Next login: the password, then the code of the application.
    login(page, base, "social_a")
    page.wait_for_url(f"{base}{reverse('two_factor_verify')}**")
    assert page.get_by_role("heading", level=1).inner_text() == "Vérification en deux étapes"
    field = page.get_by_label("Code à 6 chiffres")
    assert (
        field.get_attribute("autocomplete") == "one-time-code"
        and field.get_attribute("inputmode") == "numeric"
    )
    field.fill(authenticator_code(key))
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url(base + reverse("home"))
    assert page.get_by_role("heading", level=1).inner_text() == "Accueil"
    assert not [e for e in errors if "Content Security Policy" in e], errors
