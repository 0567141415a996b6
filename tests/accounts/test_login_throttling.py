"""Login throttling (django-axes, accounts/throttling.py): 10 failures on an account or 50 from an
address within 30 minutes lock it out, even the right password is then refused with a French page;
an administrator unlocks (logged); the lock-out ends by itself after the window."""

import datetime as dt
from html import unescape

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from relogement.accounts.client_ip import client_ip
from relogement.accounts.models import SecurityEvent, SecurityEventKind
from tests.accounts.two_factor_steps import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Trop de tentatives de connexion ont échoué"


def attempt(username, password="mauvais-mot-de-passe", *, ip="192.0.2.10"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account(world):
    statuses = [attempt("mous")[1].status_code for _ in range(30)]
    # The first 9 failures show the login form again; from the 10th the lock-out page.
    assert statuses[:9] == [200] * 9 and set(statuses[9:]) == {429}
    client, response = attempt("mous", PASSWORD)
    content = unescape(response.content.decode())
    assert response.status_code == 429 and LOCKED in content
    assert "même avec le bon mot de passe" in content and 'role="alert"' in content
    assert not logged_in(client)
    # From another address too: the lock is on the account.
    client, response = attempt("mous", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429 and not logged_in(client)
    # Other accounts from the first address still sign in (30 < 50 failures for an address).
    client, response = attempt("social_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    events = SecurityEvent.objects.filter(username="mous")
    assert events.filter(kind=SecurityEventKind.LOGIN_FAILED).count() == 32
    lock = events.filter(kind=SecurityEventKind.LOCKED_OUT).order_by("pk").first()
    assert lock.user == world.users["mous"] and lock.ip_address == "192.0.2.10"
    assert lock.detail == "Compte bloqué : 10 échecs en 30 minutes."


def test_the_lock_out_ends_after_the_window(world):
    for _ in range(10):
        attempt("mous")
    assert attempt("mous", PASSWORD)[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    client, response = attempt("mous", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_an_administrator_unlocks_an_account_and_it_is_logged(world):
    for _ in range(12):
        attempt("mous")
    url = reverse("security_unlock_account")
    assert world.client_for("mous").post(url, {"username": "mous"}).status_code == 404
    admin = world.client_for("admin")
    page = admin.get(reverse("security_accounts")).content.decode()
    assert 'Débloquer<span class="visually-hidden"> le compte mous' in page
    response = admin.post(url, {"username": "mous"}, follow=True)
    assert "est débloqué" in unescape(response.content.decode())
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert event.user == world.users["mous"] and event.actor == world.users["admin"]
    client, response = attempt("mous", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    # Unlocking an account that is not locked: a French message, nothing logged.
    response = admin.post(url, {"username": "social_a"}, follow=True)
    assert "n'est pas bloqué" in unescape(response.content.decode())
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCKED).count() == 1


def test_an_address_is_locked_after_failures_on_many_accounts(world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for i in range(6):
        attempt(f"inconnu{i}")
    # Even an account without any failure, with its right password, from that address.
    client, response = attempt("social_a", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    assert attempt("social_a", PASSWORD, ip="198.51.100.7")[1].status_code == 302
    lock = SecurityEvent.objects.filter(kind=SecurityEventKind.LOCKED_OUT).order_by("pk").first()
    assert lock.detail == "Adresse bloquée : 6 échecs en 30 minutes."
    admin = world.client_for("admin")
    assert "192.0.2.10" in admin.get(reverse("security_accounts")).content.decode()
    response = admin.post(reverse("security_unlock_address"), {"ip_address": "192.0.2.10"}, follow=True)
    assert "est débloquée" in unescape(response.content.decode())
    assert attempt("social_a", PASSWORD)[1].status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert event.actor == world.users["admin"] and event.detail == "Adresse 192.0.2.10 débloquée."


def test_the_password_is_never_stored(world):
    attempt("mous", "SECRET-MOT-DE-PASSE")
    assert "SECRET-MOT-DE-PASSE" not in repr(list(SecurityEvent.objects.values()))
    assert "SECRET-MOT-DE-PASSE" not in repr(list(AccessAttempt.objects.values()))


def test_client_address_behind_a_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"  # no header trusted unless the deployment names one
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(request) == "203.0.113.9"  # the entry the proxy appended, not the client's
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="pas-une-adresse")
    assert client_ip(request) == "10.0.0.2"
