"""Two-factor authentication: enrolment (QR code generated here, key, confirmation code), recovery
codes (shown once, single use, regenerated), the second step of the login, mandatory enrolment when
OTP_REQUIRED is on, an administrator's reset (logged)."""

from html import unescape

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relogement.accounts.models import SecurityEvent, SecurityEventKind
from tests.accounts.two_factor_steps import code_of, enrol, password_login

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(SecurityEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def test_enrolment_page_shows_a_local_qr_code_and_the_key(world):
    client = world.client_for("mous")
    content = client.get(reverse("two_factor_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=world.users["mous"], confirmed=False)
    assert f'src="{reverse("two_factor_qr")}"' in content
    assert 'autocomplete="one-time-code"' in content and 'inputmode="numeric"' in content
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in content
    response = client.get(reverse("two_factor_qr"))
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"<svg") and b"<title>" in response.content
    # Reloading keeps the same key until it is confirmed (the QR code and the page agree).
    client.get(reverse("two_factor_enrol"))
    assert TOTPDevice.objects.filter(user=world.users["mous"]).count() == 1


def test_a_wrong_enrolment_code_is_refused_in_french_and_changes_nothing(world):
    client = world.client_for("mous")
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=world.users["mous"])
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_enrol"), {"code": wrong})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Code incorrect" in content
    assert 'aria-describedby="id_code-erreurs id_code-aide"' in content and 'aria-invalid="true"' in content
    response = client.post(reverse("two_factor_enrol"), {"code": "abc"})
    assert "Saisissez les 6 chiffres" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not StaticToken.objects.exists()
    assert SecurityEventKind.TWO_FACTOR_ENROLLED not in kinds(world.users["mous"])


def test_enrolment_then_login_with_a_code(world):
    user = world.users["mous"]
    client = world.client_for("mous")
    device, codes = enrol(client, user)
    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    # Shown once: the page does not show them again.
    again = client.get(reverse("two_factor_recovery_codes"))
    assert again.context["codes"] is None and codes[0] not in again.content.decode()
    assert "Il vous reste 10 codes de secours" in again.content.decode()
    assert SecurityEventKind.TWO_FACTOR_ENROLLED in kinds(user)

    # The password alone no longer opens the pages: the code is asked, then the page asked for.
    client = password_login("mous", next_url=reverse("project_list"))
    response = client.get(reverse("project_list"))
    verify = reverse("two_factor_verify")
    assert response.status_code == 302 and response.url == f"{verify}?next=%2Fprojets%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and "Vérification en deux étapes" in page.content.decode()
    response = client.post(response.url, {"code": code_of(device), "next": reverse("project_list")})
    assert response.status_code == 302 and response.url == reverse("project_list")
    assert client.get(reverse("project_list")).status_code == 200
    assert kinds(user)[-2:] == [SecurityEventKind.LOGIN, SecurityEventKind.TWO_FACTOR_SUCCESS]


def test_a_code_is_not_accepted_twice(world):
    user = world.users["mous"]
    device, _ = enrol(world.client_for("mous"), user)
    first = password_login("mous")
    code = code_of(device)
    assert first.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    second = password_login("mous")
    response = second.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()


def test_wrong_codes_are_refused_logged_and_slowed_down(world):
    user = world.users["mous"]
    device, _ = enrol(world.client_for("mous"), user)
    client = password_login("mous")
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_verify"), {"code": wrong})
    assert response.status_code == 200 and "Code incorrect" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    # Just after a failure even the right code waits (django-otp's exponential delay).
    response = client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert "patientez" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert kinds(user).count(SecurityEventKind.TWO_FACTOR_FAILED) == 2


def test_a_recovery_code_works_once(world):
    user = world.users["social_a"]
    _, codes = enrol(world.client_for("social_a"), user)
    client = password_login("social_a")
    response = client.post(reverse("two_factor_verify"), {"code": codes[3].upper(), "mode": "secours"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    event = SecurityEvent.objects.filter(user=user).latest("pk")
    assert (
        event.kind == SecurityEventKind.RECOVERY_CODE_USED and event.detail == "9 codes de secours restants"
    )

    client = password_login("social_a")
    response = client.post(reverse("two_factor_verify"), {"code": codes[3], "mode": "secours"})
    content = response.content.decode()
    assert response.status_code == 200 and "Code incorrect" in content
    assert 'aria-describedby="id_code_secours-erreurs id_code_secours-aide"' in content
    assert client.get(reverse("home")).status_code == 302
    assert SecurityEvent.objects.filter(user=user).latest("pk").kind == SecurityEventKind.TWO_FACTOR_FAILED


def test_recovery_codes_are_regenerated_and_the_old_ones_stop_working(world):
    user = world.users["social_a"]
    client = world.client_for("social_a")
    _, old = enrol(client, user)
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 302
    new = client.get(reverse("two_factor_recovery_codes")).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert SecurityEventKind.RECOVERY_CODES_ISSUED in kinds(user)
    other = password_login("social_a")
    assert other.post(reverse("two_factor_verify"), {"code": old[0], "mode": "secours"}).status_code == 200


def test_regenerating_without_two_factor_is_refused(world):
    client = world.client_for("social_a")
    response = client.post(reverse("two_factor_recovery_codes"), follow=True)
    assert "La double authentification n'est pas activée" in unescape(response.content.decode())
    assert not StaticToken.objects.exists()


def test_two_factor_is_optional_by_default(world, settings):
    settings.OTP_REQUIRED = False
    client = password_login("mous")
    assert client.get(reverse("home")).status_code == 200
    content = client.get(reverse("two_factor")).content.decode()
    assert "Non activée" in content


@pytest.mark.parametrize("persona", ["mous", "commune", "social_a", "landlord", "admin"])
def test_mandatory_two_factor_sends_to_enrolment_first(world, settings, persona):
    settings.OTP_REQUIRED = True
    client = password_login(persona)
    response = client.get(reverse("project_list"))
    enrol_url = reverse("two_factor_enrol")
    assert response.status_code == 302 and response.url == f"{enrol_url}?next=%2Fprojets%2F"
    # Every page, an htmx request too; only enrolment and logging out stay open.
    assert client.get(reverse("home"), headers={"HX-Request": "true"})["HX-Redirect"] == enrol_url
    # ...except a part loaded by the enrolment page itself (the menu's alert badge): redirecting it
    # there would reload the page for ever.
    from_enrolment = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{enrol_url}"}
    badge = client.get(reverse("alerts:count"), headers=from_enrolment)
    assert badge.status_code == 204 and "HX-Redirect" not in badge and not badge.content
    assert client.get(reverse("password_change")).status_code == 302
    page = client.get(enrol_url)
    assert page.status_code == 200 and "la double authentification est obligatoire" in page.content.decode()
    device, _ = enrol(client, world.users[persona])
    assert client.get(reverse("home")).status_code == 200


def test_mandatory_two_factor_also_for_staff_but_not_for_the_metropolis(world, settings):
    settings.OTP_REQUIRED = True
    assert password_login("metropolis").get(reverse("home")).status_code == 200
    analyst = world.users["metropolis"]
    analyst.is_staff = True
    analyst.save()
    assert password_login("metropolis").get(reverse("home")).status_code == 302


def test_mandatory_counts_every_organisation_of_the_user(world, settings):
    settings.OTP_REQUIRED = True
    world.users["metropolis"].memberships.create(organisation=world.orgs["mous"])
    assert password_login("metropolis").get(reverse("home")).status_code == 302


def test_logout_stays_open_before_the_second_factor(world, settings):
    settings.OTP_REQUIRED = True
    client = password_login("mous")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_administrator_resets_a_device_and_it_is_logged(world):
    user = world.users["social_a"]
    enrol(world.client_for("social_a"), user)
    url = reverse("security_reset_two_factor", args=[user.pk])
    assert world.client_for("mous").post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=user).exists()
    admin = world.client_for("admin")
    response = admin.post(url, follow=True)
    assert "La double authentification de" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticToken.objects.exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.TWO_FACTOR_RESET)
    assert event.user == user and event.actor == world.users["admin"]
    # Again: nothing to reset, a French message and no second row.
    response = admin.post(url, follow=True)
    assert "n'est pas activée" in unescape(response.content.decode())
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR_RESET).count() == 1
    # The user signs in with the password alone (2FA optional here).
    assert password_login("social_a").get(reverse("home")).status_code == 200


def test_a_session_waiting_for_a_code_goes_on_once_the_device_is_reset(world):
    user = world.users["social_a"]
    enrol(world.client_for("social_a"), user)
    client = password_login("social_a")
    assert client.get(reverse("home")).status_code == 302
    world.client_for("admin").post(reverse("security_reset_two_factor", args=[user.pk]))
    response = client.get(reverse("two_factor_verify"))
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_verification_ignores_an_outside_next_url(world):
    user = world.users["mous"]
    device, _ = enrol(world.client_for("mous"), user)
    client = password_login("mous")
    response = client.post(
        reverse("two_factor_verify"), {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_partner_api_tokens_are_not_asked_for_a_second_factor(world, settings):
    """The API authenticates by token in the view, with no session: neither 2FA nor enrolment apply."""
    from tests.api.clients import api_client

    settings.OTP_REQUIRED = True
    response = api_client(world, "mous").get(reverse("api:menages"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert not SecurityEvent.objects.exists()
    # A browser session that has not given its second factor does not reach the API either.
    session = password_login("mous")
    assert session.get(reverse("api:menages")).status_code == 302
