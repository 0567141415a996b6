"""The security log: one row per login, failure, logout, lock-out, unlock, two-factor event and change
of organisation; read (filtered, paginated, constant queries) and exported (CSV, inert for
spreadsheets) by administrators only."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relogement.accounts.models import SecurityEvent, SecurityEventKind
from tests.accounts.test_login_throttling import attempt
from tests.accounts.two_factor_steps import code_of, enrol, password_login

pytestmark = pytest.mark.django_db


def test_every_kind_of_event_is_written(world):
    user = world.users["mous"]
    user.memberships.create(organisation=world.orgs["outsider"])
    client = password_login("mous")  # login
    client.post(reverse("switch_organisation"), {"organisation": world.orgs["outsider"].pk})
    device, codes = enrol(client, user)  # enrolment
    client.post(reverse("two_factor_recovery_codes"))  # new recovery codes
    client.post(reverse("logout"))  # logout
    other = password_login("mous")
    other.post(reverse("two_factor_verify"), {"code": "000000" if code_of(device) != "000000" else "111111"})
    device.throttle_reset()
    other.post(reverse("two_factor_verify"), {"code": code_of(device)})  # failure then success
    world.client_for("admin").post(reverse("security_reset_two_factor", args=[user.pk]))  # reset
    for _ in range(10):
        attempt("mous")  # failures, then the lock-out
    world.client_for("admin").post(reverse("security_unlock_account"), {"username": "mous"})
    # A recovery code, on another account.
    _, codes = enrol(world.client_for("social_a"), world.users["social_a"])
    password_login("social_a").post(reverse("two_factor_verify"), {"code": codes[0], "mode": "secours"})

    written = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert written == set(SecurityEventKind.values)
    switch = SecurityEvent.objects.get(kind=SecurityEventKind.ORGANISATION_SWITCH)
    assert switch.user == user and switch.detail == "MOUS Concorde → MOUS Alma"
    login = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN, username="mous").first()
    assert login.ip_address == "127.0.0.1" and login.username == "mous"


def test_a_failure_on_an_unknown_username_keeps_what_was_typed(world):
    attempt("personne")
    event = SecurityEvent.objects.get()
    assert (
        event.kind == SecurityEventKind.LOGIN_FAILED and event.user is None and event.username == "personne"
    )


def test_switching_to_the_same_organisation_is_not_logged(world):
    client = world.client_for("mous")
    client.post(reverse("switch_organisation"), {"organisation": world.orgs["mous"].pk})
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ORGANISATION_SWITCH).exists()


def _events(n, **fields):
    now = timezone.now()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind=fields.get("kind", SecurityEventKind.LOGIN_FAILED),
            username=fields.get("username", f"u{i}"),
            ip_address="192.0.2.1",
            at=now - dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


@pytest.mark.parametrize("persona", ["metropolis", "commune", "mous", "social_a", "landlord", "outsider"])
def test_the_log_is_404_for_non_administrators(world, persona):
    client = world.client_for(persona)
    for name in ("security_log", "security_log_export", "security_accounts"):
        assert client.get(reverse(name)).status_code == 404


def test_the_log_page_filters_and_paginates_with_constant_queries(world):
    admin = world.client_for("admin")
    admin.get(reverse("security_log"))  # the session and the menu's first reads
    _events(3)
    with CaptureQueriesContext(connection) as few:
        assert admin.get(reverse("security_log")).status_code == 200
    _events(60)
    with CaptureQueriesContext(connection) as many:
        response = admin.get(reverse("security_log"))
    assert len(many) == len(few)
    assert response.context["page"].paginator.num_pages == 2
    assert len(response.context["page"].object_list) == 50
    assert "Suivante" in response.content.decode()

    SecurityEvent.objects.create(
        kind=SecurityEventKind.LOCKED_OUT, username="cible", ip_address="203.0.113.5"
    )
    page = admin.get(reverse("security_log"), {"kind": "locked_out"}).context["page"]
    assert [e.username for e in page.object_list] == ["cible"]
    page = admin.get(reverse("security_log"), {"q": "203.0.113.5"}).context["page"]
    assert [e.username for e in page.object_list] == ["cible"]
    page = admin.get(reverse("security_log"), {"q": "cib"}).context["page"]
    assert [e.username for e in page.object_list] == ["cible"]
    today = timezone.localdate().isoformat()
    assert (
        admin.get(reverse("security_log"), {"since": today, "until": today}).context["page"].paginator.count
        >= 1
    )
    response = admin.get(reverse("security_log"), {"since": "demain"})
    content = response.content.decode()
    assert "Date invalide" in content and 'aria-describedby="id_since-erreurs"' in content


def test_the_export_is_filtered_and_inert_for_spreadsheets(world):
    SecurityEvent.objects.create(
        kind=SecurityEventKind.LOGIN_FAILED, username='=HYPERLINK("http://x";"clic")', ip_address="192.0.2.1"
    )
    SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="mous", ip_address="192.0.2.2")
    response = world.client_for("admin").get(reverse("security_log_export"), {"kind": "login_failed"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["date", "événement", "identifiant saisi"]
    assert len(rows) == 2
    assert rows[1][1] == "Échec de connexion" and rows[1][2] == '\'=HYPERLINK("http://x";"clic")'


def test_the_header_links_administrators_to_the_log(world):
    assert "Sécurité des comptes" in world.client_for("admin").get(reverse("home")).content.decode()
    assert "Sécurité des comptes" not in world.client_for("mous").get(reverse("home")).content.decode()


def test_old_rows_are_purged(world, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    now = timezone.now()
    old = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, at=now - dt.timedelta(days=366))
    kept = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, at=now - dt.timedelta(days=364))
    out = io.StringIO()
    call_command("purge_security_log", stdout=out)
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert "1 ligne(s)" in out.getvalue()


def test_an_expired_session_is_logged_as_such(world, monkeypatch):
    from relogement.accounts import session_timeout

    client = password_login("mous")
    start = session_timeout.now()
    monkeypatch.setattr(session_timeout, "now", lambda: start + 31 * 60)
    assert client.get(reverse("home")).status_code == 302
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGOUT).get()
    assert event.user == world.users["mous"] and event.detail == "Session expirée"
