import datetime as dt

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.grievances import selectors, services
from relogement.grievances.dates import add_working_days, easter_sunday, french_public_holidays
from relogement.grievances.models import Grievance, GrievancePolicy
from relogement.grievances.models import GrievanceStatus as G
from relogement.permissions import predicates
from tests.grievances.builders import grievance_for


def test_easter_and_holidays():
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    holidays = french_public_holidays(2026)
    assert dt.date(2026, 4, 6) in holidays  # Easter Monday
    assert dt.date(2026, 5, 14) in holidays  # Ascension
    assert dt.date(2026, 5, 25) in holidays  # Whit Monday
    assert len(holidays) == 11


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(dt.date(2026, 1, 5), 2) == dt.date(2026, 1, 7)  # Monday → Wednesday
    assert add_working_days(dt.date(2026, 1, 9), 2) == dt.date(2026, 1, 13)  # Friday → Tuesday
    assert add_working_days(dt.date(2026, 1, 10), 2) == dt.date(2026, 1, 13)  # Saturday → Tuesday
    # Thursday 30 April: Friday 1 May is a holiday, then the weekend → Tuesday 5 May.
    assert add_working_days(dt.date(2026, 4, 30), 2) == dt.date(2026, 5, 5)


def _record(world, user="mous", **extra):
    values = {
        "household": world.household_a,
        "category": "loyer",
        "channel": "courrier",
        "received_on": dt.date(2026, 4, 30),
        "description": "Loyer trop élevé.",
        "responsible": world.orgs["mous"],
        "actor": world.users[user],
    }
    values.update(extra)
    return services.grievance_record(**values)


def test_record_computes_deadlines_with_history_and_log(world):
    g = _record(world)
    assert g.acknowledgement_due == dt.date(2026, 5, 5)
    assert g.resolution_due == dt.date(2026, 5, 30)
    assert g.status == G.RECEIVED
    assert g.history.count() == 1
    assert list(g.transitions.values_list("from_status", "to_status")) == [("", G.RECEIVED)]
    assert g.recorded_by_organisation == world.orgs["mous"]


def test_project_policy_overrides_deadlines(world):
    services.grievance_policy_set(
        project=world.project, acknowledgement_working_days=5, resolution_days=15, actor=world.users["mous"]
    )
    g = _record(world, received_on=dt.date(2026, 1, 5))
    assert g.acknowledgement_due == dt.date(2026, 1, 12)
    assert g.resolution_due == dt.date(2026, 1, 20)
    with pytest.raises(DomainError, match="entre 1 et 365"):
        services.grievance_policy_set(
            project=world.project, acknowledgement_working_days=2, resolution_days=0, actor=None
        )
    assert GrievancePolicy.objects.get().resolution_days == 15


def test_bad_input_writes_nothing(world):
    with pytest.raises(DomainError, match="Décrivez"):
        _record(world, description="  ")
    with pytest.raises(DomainError, match="futur"):
        _record(world, received_on=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(DomainError, match="organisation responsable"):
        _record(world, responsible=world.orgs["metropolis"])
    with pytest.raises(DomainError):
        _record(world, user="metropolis")
    assert not Grievance.objects.exists()


def test_escalation_path_is_logged(world):
    g = _record(world)
    services.grievance_transition(grievance=g, action="acknowledge", actor=world.users["mous"])
    services.grievance_transition(
        grievance=g, action="escalate_commune", reason="Le bailleur ne répond pas.", actor=world.users["mous"]
    )
    services.grievance_transition(
        grievance=g, action="escalate_metropolis", reason="Arbitrage.", actor=world.users["commune"]
    )
    g = services.grievance_close(
        grievance=g, outcome="Offre T3 moins chère.", household_agrees=True, actor=world.users["commune"]
    )
    assert list(g.transitions.values_list("from_status", "to_status")) == [
        ("", G.RECEIVED),
        (G.RECEIVED, G.ACKNOWLEDGED),
        (G.ACKNOWLEDGED, G.COMMUNE),
        (G.COMMUNE, G.METROPOLIS),
        (G.METROPOLIS, G.CLOSED),
    ]
    assert g.transitions.get(to_status=G.COMMUNE).reason == "Le bailleur ne répond pas."
    assert g.acknowledged_on is not None and g.closed_on is not None
    assert g.household_agrees is True
    assert g.history.count() == 5


def test_invalid_transitions_are_refused_in_french(world):
    g = _record(world)
    with pytest.raises(DomainError, match="Accusez réception"):
        services.grievance_close(grievance=g, outcome="x", household_agrees=True, actor=world.users["mous"])
    with pytest.raises(DomainError, match="« Remonter au pilotage métropolitain » est impossible"):
        services.grievance_transition(
            grievance=g, action="escalate_metropolis", reason="x", actor=world.users["mous"]
        )
    # The commune does not acknowledge on the responsible organisation's behalf.
    with pytest.raises(DomainError, match="autre organisation"):
        services.grievance_transition(grievance=g, action="acknowledge", actor=world.users["commune"])
    services.grievance_transition(grievance=g, action="acknowledge", actor=world.users["mous"])
    with pytest.raises(DomainError, match="motif"):
        services.grievance_transition(grievance=g, action="escalate_commune", actor=world.users["mous"])
    g.refresh_from_db()
    assert g.status == G.ACKNOWLEDGED
    assert g.transitions.count() == 2


def test_closure_needs_outcome_and_agreement(world):
    g = grievance_for(world, status=G.ACKNOWLEDGED)
    with pytest.raises(DomainError, match="d'accord"):
        services.grievance_close(
            grievance=g, outcome="Réponse.", household_agrees=None, actor=world.users["mous"]
        )
    with pytest.raises(DomainError, match="réponse apportée"):
        services.grievance_close(grievance=g, outcome=" ", household_agrees=False, actor=world.users["mous"])
    g = services.grievance_close(
        grievance=g, outcome="Réponse.", household_agrees=False, actor=world.users["mous"]
    )
    assert g.status == G.CLOSED and g.household_agrees is False
    assert "désaccord" in g.transitions.last().reason


def test_overdue_flag_and_selector(world):
    today = dt.date(2026, 1, 20)
    late_ack = grievance_for(world, received_on=dt.date(2026, 1, 12))  # ack due 14/01
    on_time = grievance_for(world, received_on=dt.date(2026, 1, 19))
    acked = grievance_for(
        world, status=G.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 1, 13), received_on=dt.date(2026, 1, 12)
    )
    late_answer = grievance_for(
        world, status=G.COMMUNE, acknowledged_on=dt.date(2025, 12, 1), received_on=dt.date(2025, 12, 1)
    )
    grievance_for(world, status=G.CLOSED, received_on=dt.date(2025, 11, 1), closed_on=dt.date(2026, 1, 2))
    overdue = set(selectors.overdue_grievances(world.users["mous"], today=today))
    assert overdue == {late_ack, late_answer}
    assert late_ack.is_overdue(today) and not on_time.is_overdue(today) and not acked.is_overdue(today)
    # Scoped: the other provider and the metropolis get none of them.
    assert not selectors.overdue_grievances(world.users["social_b"], today=today).exists()
    assert not selectors.overdue_grievances(world.users["metropolis"], today=today).exists()


def test_text_readers(world):
    g = grievance_for(world, responsible="mous")
    readers = {
        k
        for k in ("mous", "commune", "social_a", "landlord")
        if predicates.can_read_grievance_text(world.users[k], g)
    }
    assert readers == {"mous", "commune"}
    g_landlord = grievance_for(world, responsible="landlord")
    assert predicates.can_read_grievance_text(world.users["landlord"], g_landlord)


def test_pages_hide_text_and_flag_overdue(world, client):
    g = grievance_for(world, received_on=dt.date(2025, 1, 6))
    client.force_login(world.users["landlord"])
    page = client.get(reverse("grievances:detail", args=[g.pk])).content.decode()
    assert "Mme Martin" not in page and "Réservé" in page and "En retard" in page
    client.force_login(world.users["commune"])
    page = client.get(reverse("grievances:detail", args=[g.pk])).content.decode()
    assert "Mme Martin" in page
    listing = client.get(reverse("grievances:list"), {"etat": "en_retard"}).content.decode()
    assert "En retard" in listing and "CONC-001" in listing
    assert (
        "CONC-001" not in client.get(reverse("grievances:list"), {"objet": "discrimination"}).content.decode()
    )
    household_page = client.get(reverse("households:detail", args=[world.household_a.pk])).content.decode()
    assert "section-reclamations" in household_page
    client.force_login(world.users["metropolis"])
    household_page = client.get(reverse("households:detail", args=[world.household_a.pk])).content.decode()
    assert "section-reclamations" not in household_page
    assert client.get(reverse("grievances:detail", args=[g.pk])).status_code == 404


def test_form_errors_in_french_next_to_field(world, client):
    client.force_login(world.users["mous"])
    response = client.post(reverse("grievances:create", args=[world.household_a.pk]), {"category": "loyer"})
    assert response.status_code == 200
    assert 'id="id_description_error"' in response.content.decode()
    assert not Grievance.objects.exists()


def test_close_through_the_page(world, client):
    g = grievance_for(world, status=G.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 1, 6))
    client.force_login(world.users["mous"])
    url = reverse("grievances:action", args=[g.pk, "close"])
    response = client.post(url, {"outcome": "Réglé.", "household_agrees": "", "closed_on": "2026-01-20"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    response = client.post(url, {"outcome": "Réglé.", "household_agrees": "oui", "closed_on": "2026-01-20"})
    assert response.status_code == 302
    g.refresh_from_db()
    assert g.status == G.CLOSED and g.household_agrees is True and g.closed_on == dt.date(2026, 1, 20)


def test_missing_reason_is_said_next_to_the_field(world, client):
    g = grievance_for(world, status=G.ACKNOWLEDGED, acknowledged_on=dt.date(2026, 1, 6))
    client.force_login(world.users["mous"])
    response = client.post(reverse("grievances:action", args=[g.pk, "escalate_commune"]), {"reason": ""})
    page = response.content.decode()
    assert 'id="id_reason_error"' in page and "Indiquez le motif" in page
    g.refresh_from_db()
    assert g.status == G.ACKNOWLEDGED


def test_list_queries_do_not_grow(world, client, django_assert_max_num_queries):
    client.force_login(world.users["mous"])
    grievance_for(world)
    url = reverse("grievances:list")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(5):
        grievance_for(world, household=world.household_b, category="offre")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "CONC-002" in client.get(url).content.decode()
    assert "CONC-002" not in client.get(url, {"etat": "closes"}).content.decode()
