"""Sessions end after 30 minutes without activity (configurable) and 8 hours after the login."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.urls import reverse

from config.env import env_int
from relogement.accounts import session_timeout
from relogement.exchange.models import ExportJob, ImportJob

pytestmark = pytest.mark.django_db

MINUTE = 60
START = 1_800_000_000.0  # any instant: the middleware reads only the patched clock


class Clock:
    def __init__(self):
        self.t = START

    def __call__(self):
        return self.t

    def at(self, minutes):
        self.t = START + minutes * MINUTE


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(session_timeout, "now", clock)
    return clock


def login_redirect(response, page="/"):
    return response.status_code == 302 and response.url == f"{reverse('login')}?next={page}"


def test_activity_within_the_idle_time_keeps_the_session(world, clock):
    client = world.client_for("mous")
    for minutes in (29, 58, 87, 116):  # never 30 minutes without a request
        clock.at(minutes)
        assert client.get(reverse("home")).status_code == 200


def test_after_31_minutes_without_activity_the_next_request_goes_to_login(world, clock):
    client = world.client_for("mous")
    clock.at(10)
    assert client.get(reverse("home")).status_code == 200
    clock.at(41)
    response = client.get("/projets/?tri=nom")
    assert login_redirect(response, "/projets/%3Ftri%3Dnom")
    login_page = client.get(response.url).content.decode()
    assert "Votre session a expiré après 30 minutes d&#x27;inactivité." in login_page
    clock.at(42)  # logged out for good: no new activity brings the session back
    assert login_redirect(client.get(reverse("home")))


def test_the_idle_time_is_a_setting(world, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client = world.client_for("mous")
    clock.at(4)
    assert client.get(reverse("home")).status_code == 200
    clock.at(10)
    response = client.get(reverse("home"))
    assert login_redirect(response)
    assert "après 5 minutes d&#x27;inactivité" in client.get(response.url).content.decode()


def test_background_polling_is_not_activity(world, clock):
    client = world.client_for("mous")
    for minutes in range(1, 31, 5):
        clock.at(minutes)
        assert client.get(reverse("home"), headers={"X-Relogement-Polling": "1"}).status_code == 200
    clock.at(31)
    assert login_redirect(client.get(reverse("home")))


def test_an_htmx_request_sends_the_whole_page_to_login(world, clock):
    client = world.client_for("mous")
    clock.at(31)
    response = client.get(
        "/echanges/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/projets/",
            "X-Relogement-Polling": "1",
        },
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/projets/"


def test_the_session_ends_8_hours_after_login_however_active(world, clock):
    client = world.client_for("mous")
    for minutes in range(20, 8 * 60 + 1, 20):
        clock.at(minutes)
        assert client.get(reverse("home")).status_code == 200, minutes
    clock.at(8 * 60 + 1)
    response = client.get(reverse("home"))
    assert login_redirect(response)
    assert "elle dure au plus 8 heures" in client.get(response.url).content.decode()


def test_login_pins_the_session_expiry_to_the_absolute_limit(world, clock):
    client = world.client_for("mous")
    clock.at(20)
    assert client.get(reverse("home")).status_code == 200  # the session is written: its end stays
    assert client.session.get_expiry_date().timestamp() == START + 8 * 3600


def test_progress_polling_marks_itself(world):
    user = world.users["mous"]
    jobs = {
        "exchange/_job_progress.html": ImportJob.objects.create(created_by=user, filename="suivi.csv"),
        "exchange/_export_progress.html": ExportJob.objects.create(created_by=user),
    }
    for template, job in jobs.items():
        html = render_to_string(template, {"job": job})
        assert 'hx-trigger="every 1s"' in html and 'hx-headers=\'{"X-Relogement-Polling": "1"}\'' in html


def test_the_settings_refuse_a_zero_idle_time(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_TIMEOUT_MINUTES", "0")
    with pytest.raises(ImproperlyConfigured, match="au moins 1"):
        env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
    monkeypatch.setenv("SESSION_IDLE_TIMEOUT_MINUTES", "45")
    assert env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1) == 45
