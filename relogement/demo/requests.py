"""Demo requests between organisations (docs/governance.md § Requests between organisations): a few
hand-offs between the personas' organisations, so that every role's home page shows a received request
on first login (one overdue, one answered). Each is about a household that both organisations see, as
the service requires, with their history and transition rows. Due dates are
relative to today, since the overdue flag is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from relogement.households.models import Household
from relogement.offers.models import HousingOffer
from relogement.permissions.scopes import household_filter_for_organisation
from relogement.requests.models import HandoffRequest, RequestAnswer, RequestStatus, RequestTransition

# (sender persona, recipient persona, subject, text, days to the due date, answer or None)
REQUESTS = [
    (
        "mous",
        "bailleur",
        "Recherche d'une offre T5",
        "Grande famille sans solution : avez-vous une offre T5 à proposer d'ici le prochain comité ?",
        12,
        None,
    ),
    (
        "social-a",
        "commune",
        "Examen urgent en comité",
        "Le ménage a refusé deux propositions ; merci de l'inscrire au prochain comité de relogement.",
        -3,
        None,
    ),
    (
        "commune",
        "mous",
        "Point sur le calendrier de relogement",
        "Pouvez-vous faire le point sur les propositions en cours pour ce ménage ?",
        5,
        None,
    ),
    (
        "mous",
        "social-a",
        "Accompagnement à la visite",
        "Le ménage visite une offre la semaine prochaine : pouvez-vous l'accompagner ?",
        7,
        "Visite accompagnée prévue mardi matin.",
    ),
    (
        "mous",
        "social-b",
        "Visite à domicile à planifier",
        "Merci de planifier une visite pour actualiser la composition du ménage.",
        10,
        None,
    ),
    (
        "mous",
        "metropole",
        "Orientation vers le contingent préfectoral",
        "Aucune offre du bailleur d'origine ne convient : le ménage peut-il être orienté vers le contingent ?",
        20,
        None,
    ),
]


def _org(user):
    return user.memberships.select_related("organisation").order_by("pk").first().organisation


def generate_requests(gen) -> dict[str, int]:
    today = timezone.localdate()
    made = answers = 0
    for sender_key, recipient_key, subject, text, days, answer in REQUESTS:
        sender_user = gen.persona_users[sender_key]
        recipient_user = gen.persona_users[recipient_key]
        sender, recipient = _org(sender_user), _org(recipient_user)
        household = (
            Household.objects.filter(household_filter_for_organisation(sender))
            .filter(household_filter_for_organisation(recipient))
            .order_by("pk")
            .first()
        )
        if household is None:
            continue
        status = RequestStatus.ANSWERED if answer else RequestStatus.OPEN
        handoff = HandoffRequest.objects.create(
            sender_organisation=sender,
            sender=sender_user,
            recipient=recipient,
            household=household,
            subject=subject,
            text=text,
            due_date=today + dt.timedelta(days=days),
            status=status,
        )
        transitions = [RequestTransition(request=handoff, to_status=RequestStatus.OPEN, actor=sender_user)]
        if answer:
            RequestAnswer.objects.create(
                request=handoff, organisation=recipient, author=recipient_user, text=answer
            )
            transitions.append(
                RequestTransition(
                    request=handoff, from_status=RequestStatus.OPEN, to_status=status, actor=recipient_user
                )
            )
            answers += 1
        RequestTransition.objects.bulk_create(transitions)
        made += 1
    # The landlord asks the project office to position a household on one of its offers.
    offer = HousingOffer.objects.filter(landlord=_org(gen.persona_users["bailleur"])).order_by("pk").first()
    if offer is not None:
        handoff = HandoffRequest.objects.create(
            sender_organisation=offer.landlord,
            sender=gen.persona_users["bailleur"],
            recipient=_org(gen.persona_users["mous"]),
            offer=offer,
            subject="Candidat pour une offre disponible",
            text="Cette offre est libre depuis un mois : avez-vous un ménage à positionner ?",
            due_date=today + dt.timedelta(days=8),
        )
        RequestTransition.objects.create(
            request=handoff, to_status=RequestStatus.OPEN, actor=gen.persona_users["bailleur"]
        )
        made += 1
    return {"requests": made, "request_answers": answers}
