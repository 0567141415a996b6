"""Writes on requests between organisations: each one atomic, validating, writing the request's
history (simple_history) and its transition log, and notifying the other organisation on commit.

State machine (same table in docs/governance.md § Requests between organisations):
open → answered (the recipient answers), open/answered → closed (recipient or sender).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.core.errors import DomainError
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.requests.models import HandoffRequest, RequestAnswer, RequestStatus, RequestTransition


def _log(request: HandoffRequest, previous: str, actor) -> None:
    RequestTransition.objects.create(
        request=request, from_status=previous, to_status=request.status, actor=actor
    )


def _notify(request: HandoffRequest, organisation: Organisation, subject: str) -> None:
    """Tell the members of ``organisation`` that a request needs a look: a link only, never its text
    (which may name the household)."""
    from relogement.core.notifications import absolute_url, notify_user

    link = absolute_url(reverse("requests:detail", kwargs={"pk": request.pk}))
    body = (
        f"Bonjour,\n\n{subject} ({request.sender_organisation} → {request.recipient}), "
        f"échéance le {request.due_date:%d/%m/%Y}.\n\nConsultez-la dans Relogement : {link}\n"
    )
    for membership in organisation.memberships.select_related("user").filter(user__is_active=True):
        if membership.user.email:
            notify_user(user=membership.user, subject=f"[Relogement] {subject}", body=body)


@transaction.atomic
def request_send(
    *,
    actor,
    recipient: Organisation,
    subject: str,
    text: str,
    due_date: dt.date,
    household=None,
    offer=None,
) -> HandoffRequest:
    """Address a request to another organisation about a household or an offer the actor sees.

    The caller fetched the household or offer through the actor's scope; here the recipient is checked:
    an organisation that cannot see the household must not learn of it from the request's text."""
    sender = organisation_of(actor)
    if not predicates.can_send_requests(actor) or sender is None:
        raise DomainError("Votre organisation ne peut pas adresser de demande.")
    if household is None and offer is None:
        raise DomainError("Une demande porte sur un ménage ou sur une offre.")
    if recipient.pk == sender.pk:
        raise DomainError("Adressez la demande à une autre organisation que la vôtre.")
    if recipient.kind == OrganisationKind.ADMIN:
        raise DomainError("L'administration ne traite pas de demandes.")
    if household is not None and not predicates.organisation_sees_household(recipient, household):
        raise DomainError(
            f"« {recipient} » ne suit pas ce ménage : une demande à son sujet ne peut pas lui être adressée."
        )
    if offer is not None and not predicates.organisation_sees_offer(recipient, offer):
        raise DomainError(
            f"« {recipient} » ne voit pas cette offre : la demande ne peut pas lui être adressée."
        )
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject or not text:
        raise DomainError("Indiquez l'objet et le texte de la demande.")
    if due_date < timezone.localdate():
        raise DomainError("L'échéance ne peut pas être passée.")
    request = HandoffRequest(
        sender_organisation=sender,
        sender=actor,
        recipient=recipient,
        household=household,
        offer=offer,
        subject=subject,
        text=text,
        due_date=due_date,
    )
    request._change_reason = "Demande adressée"
    request.save()
    _log(request, "", actor)
    _notify(request, recipient, "Nouvelle demande reçue")
    return request


@transaction.atomic
def request_answer(*, request: HandoffRequest, actor, text: str) -> RequestAnswer:
    """Add a message to the thread; the recipient's first answer moves the request to « répondue »."""
    if not predicates.can_answer_request(actor, request):
        raise DomainError("Cette demande est close : on ne peut plus y répondre.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Écrivez la réponse.")
    org = organisation_of(actor)
    answer = RequestAnswer.objects.create(request=request, organisation=org, author=actor, text=text)
    if org.pk == request.recipient_id:
        if request.status == RequestStatus.OPEN:
            request.status = RequestStatus.ANSWERED
            request._change_reason = "Réponse"
            request.save()
            _log(request, RequestStatus.OPEN, actor)
        _notify(request, request.sender_organisation, "Réponse à votre demande")
    else:
        _notify(request, request.recipient, "Nouveau message sur une demande reçue")
    return answer


@transaction.atomic
def request_close(*, request: HandoffRequest, actor) -> HandoffRequest:
    if not predicates.can_close_request(actor, request):
        raise DomainError("Cette demande est déjà close.")
    previous = request.status
    request.status = RequestStatus.CLOSED
    request.closed_at = timezone.now()
    request._change_reason = "Demande close"
    request.save()
    _log(request, previous, actor)
    other = (
        request.sender_organisation
        if organisation_of(actor).pk == request.recipient_id
        else request.recipient
    )
    _notify(request, other, "Demande close")
    return request
