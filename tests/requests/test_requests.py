"""Requests between organisations: sending (recipient must see the household), the thread, closing,
overdue flag, queues' query counts, notifications carrying only a link."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.requests import services
from relogement.requests.models import HandoffRequest, RequestStatus
from tests import factories
from tests.requests.builders import offer_for, request_for

pytestmark = pytest.mark.django_db

IN_A_WEEK = timezone.localdate() + dt.timedelta(days=7)


def _send(world, sender="social_a", recipient="commune", **kwargs):
    kwargs.setdefault("household", world.household_a)
    return services.request_send(
        actor=world.users[sender],
        recipient=world.orgs[recipient],
        subject="Examen urgent",
        text="Merci d'inscrire ce ménage au prochain comité.",
        due_date=IN_A_WEEK,
        **kwargs,
    )


def test_send_logs_the_transition_and_history(world):
    handoff = _send(world)
    assert handoff.status == RequestStatus.OPEN
    assert handoff.sender_organisation == world.orgs["social_a"]
    assert list(handoff.transitions.values_list("from_status", "to_status")) == [("", "open")]
    assert handoff.history.count() == 1


@pytest.mark.parametrize("recipient", ["social_b", "outsider", "other_landlord"])
def test_a_request_about_a_household_only_goes_to_an_organisation_that_sees_it(world, recipient):
    with pytest.raises(DomainError, match="ne suit pas ce ménage"):
        _send(world, recipient=recipient)
    assert not HandoffRequest.objects.exists()


def test_the_landlord_of_the_building_may_receive_it(world):
    assert _send(world, sender="mous", recipient="landlord").recipient == world.orgs["landlord"]


def test_an_offer_request_goes_to_an_organisation_that_sees_the_offer(world):
    offer = offer_for(world)
    assert _send(world, sender="mous", recipient="landlord", household=None, offer=offer).offer == offer
    with pytest.raises(DomainError, match="ne voit pas cette offre"):
        _send(world, sender="mous", recipient="other_landlord", household=None, offer=offer)


def test_own_organisation_admin_and_past_due_dates_are_refused(world):
    with pytest.raises(DomainError):
        _send(world, recipient="social_a")
    with pytest.raises(DomainError):
        _send(world, recipient="admin")
    with pytest.raises(DomainError, match="passée"):
        services.request_send(
            actor=world.users["mous"],
            recipient=world.orgs["commune"],
            subject="x",
            text="y",
            due_date=timezone.localdate() - dt.timedelta(days=1),
            household=world.household_a,
        )


def test_form_refuses_a_recipient_outside_the_perimeter_next_to_the_field(world):
    client = world.client_for("social_a")
    url = reverse("requests:create_for_household", kwargs={"household_pk": world.household_a.pk})
    response = client.post(
        url,
        {
            "recipient": world.orgs["social_b"].pk,
            "subject": "Relais",
            "text": "Pouvez-vous reprendre le suivi ?",
            "due_date": IN_A_WEEK.isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["recipient"]
    assert "ne suit pas ce ménage" in errors[0]
    assert not HandoffRequest.objects.exists()
    assert "information sociale ni de santé" in response.content.decode()


def test_form_creates_the_request_and_redirects(world):
    client = world.client_for("mous")
    url = reverse("requests:create_for_household", kwargs={"household_pk": world.household_a.pk})
    response = client.post(
        url,
        {
            "recipient": world.orgs["landlord"].pk,
            "subject": "Offre T5",
            "text": "Avez-vous une offre T5 ?",
            "due_date": IN_A_WEEK.isoformat(),
        },
    )
    handoff = HandoffRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("requests:detail", kwargs={"pk": handoff.pk})


def test_answer_then_close(world):
    handoff = _send(world)
    services.request_answer(request=handoff, actor=world.users["commune"], text="Inscrit au comité.")
    handoff.refresh_from_db()
    assert handoff.status == RequestStatus.ANSWERED
    # The sender's follow-up does not change the state.
    services.request_answer(request=handoff, actor=world.users["social_a"], text="Merci.")
    assert handoff.answers.count() == 2
    services.request_close(request=handoff, actor=world.users["commune"])
    handoff.refresh_from_db()
    assert handoff.status == RequestStatus.CLOSED and handoff.closed_at
    assert [t.to_status for t in handoff.transitions.all()] == ["open", "answered", "closed"]
    with pytest.raises(DomainError, match="close"):
        services.request_answer(request=handoff, actor=world.users["commune"], text="Encore")


def test_an_empty_answer_is_refused_next_to_the_field(world):
    handoff = request_for(world)
    response = world.client_for("commune").post(
        reverse("requests:answer", kwargs={"pk": handoff.pk}), {"text": " "}
    )
    assert response.status_code == 400
    assert response.context["answer_form"].errors["text"]
    assert not handoff.answers.exists()


def test_queues_flag_overdue_requests(world):
    request_for(world)  # due yesterday
    received = world.client_for("commune").get(reverse("requests:received"))
    assert "En retard" in received.content.decode()
    assert "Examen en comité" in received.content.decode()
    sent = world.client_for("social_a").get(reverse("requests:sent"))
    assert "Examen en comité" in sent.content.decode()
    assert (
        "Examen en comité"
        not in world.client_for("social_a").get(reverse("requests:received")).content.decode()
    )


def test_the_metropolis_reads_a_pseudonym(world):
    handoff = _send(world, sender="mous", recipient="metropolis")
    body = (
        world.client_for("metropolis")
        .get(reverse("requests:detail", kwargs={"pk": handoff.pk}))
        .content.decode()
    )
    assert "Famille Martin" not in body
    assert world.household_a.pseudonym in body


def test_notifications_carry_a_link_and_no_request_text(world, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    commune_user = world.users["commune"]
    commune_user.email = "agent@lille.example"
    commune_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        handoff = _send(world)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@lille.example"]
    assert reverse("requests:detail", kwargs={"pk": handoff.pk}) in message.body
    assert "Famille Martin" not in message.body
    assert "comité" not in message.body  # the request's text stays in the application
    assert "Nouvelle demande reçue" in message.subject


@pytest.mark.parametrize("page", ["requests:received", "requests:sent"])
def test_queues_have_a_constant_number_of_queries(world, page, django_assert_max_num_queries):
    client = world.client_for("commune")
    client.get(reverse(page))  # warm the session
    for _ in range(2):
        _send(world, sender="social_a", recipient="commune")
        _send(world, sender="commune", recipient="mous")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse(page))
    for _ in range(20):
        _send(
            world,
            sender="social_a",
            recipient="commune",
            household=factories.HouseholdFactory(
                building=world.building, social_provider=world.orgs["social_a"]
            ),
        )
        _send(world, sender="commune", recipient="mous")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(page))


def test_the_home_page_shows_the_received_queue(world):
    request_for(world)
    body = world.client_for("commune").get(reverse("home")).content.decode()
    assert "Demandes reçues" in body and "Examen en comité" in body and "En retard" in body
    assert "Examen en comité" not in world.client_for("mous").get(reverse("home")).content.decode()


def test_household_and_offer_pages_link_to_a_new_request(world):
    client = world.client_for("mous")
    body = client.get(reverse("households:detail", kwargs={"pk": world.household_a.pk})).content.decode()
    assert reverse("requests:create_for_household", kwargs={"household_pk": world.household_a.pk}) in body
    offer = offer_for(world)
    body = client.get(reverse("offers:detail", kwargs={"pk": offer.pk})).content.decode()
    assert reverse("requests:create_for_offer", kwargs={"offer_pk": offer.pk}) in body
