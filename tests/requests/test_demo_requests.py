"""The demo's requests: every operational persona's home shows a received request, each about a
household that both organisations see."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from relogement.accounts.models import User
from relogement.permissions.predicates import organisation_sees_household
from relogement.requests.models import HandoffRequest, RequestStatus

pytestmark = pytest.mark.django_db


def test_every_persona_home_shows_a_received_request(db):
    call_command("load_demo", households=120, seed=3, stdout=io.StringIO())
    requests = list(HandoffRequest.objects.select_related("household", "sender_organisation", "recipient"))
    assert len(requests) >= 6
    assert any(r.is_overdue for r in requests)
    assert any(r.status == RequestStatus.ANSWERED and r.answers.exists() for r in requests)
    for r in requests:
        if r.household_id:
            assert organisation_sees_household(r.sender_organisation, r.household)
            assert organisation_sees_household(r.recipient, r.household)
    for login in ("metropole", "commune", "mous", "social-a", "social-b", "bailleur"):
        client = Client()
        client.force_login(User.objects.get(username=login))
        body = client.get(reverse("home")).content.decode()
        assert "Demandes reçues" in body, login
    # The alert centre of the demo: the requests and the MOUS projects' rules.
    from relogement.alerts import rules
    from relogement.alerts.models import AlertKind, ProjectAlertSettings

    assert ProjectAlertSettings.objects.filter(stalled_proposal_days=21).exists()
    assert AlertKind.REQUEST_RECEIVED in {
        a.kind for a in rules.alerts_for(User.objects.get(username="commune"))
    }
    client = Client()
    client.force_login(User.objects.get(username="mous"))
    assert client.get(reverse("alerts:centre")).status_code == 200
