"""Pages of the requests between organisations: the received and sent queues, the request form (from a
household or an offer), the request with its thread.

Every request is fetched through its scope (``visible_to``: sender and recipient organisations, else
404); the household or offer a new request is about through the sender's scope; writes are services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from relogement.core.errors import DomainError
from relogement.households.visibility import display_name
from relogement.offers.models import HousingOffer
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.permissions.shortcuts import get_for_user, get_household_for_user
from relogement.requests import forms, selectors, services
from relogement.requests.models import HandoffRequest

RECEIVED = {"label": "Demandes reçues", "url": ""}


def _crumbs(*items):
    return [{"label": RECEIVED["label"], "url": reverse("requests:received")}, *items]


def _require_sender(request):
    if not predicates.can_send_requests(request.user):
        raise Http404


def _request(request, pk) -> HandoffRequest:
    return get_for_user(
        HandoffRequest.objects.select_related(
            "sender_organisation", "recipient", "household", "offer", "sender"
        ),
        request.user,
        pk=pk,
    )


def _queue(request, *, which: str):
    _require_sender(request)
    closed = request.GET.get("closes") == "1"
    select = selectors.received if which == "received" else selectors.sent
    title = "Demandes reçues" if which == "received" else "Demandes envoyées"
    return render(
        request,
        "requests/queue.html",
        {
            "which": which,
            "title": title,
            "closed": closed,
            "rows": select(request.user, closed=closed),
            "breadcrumbs": [{"label": title, "url": ""}],
        },
    )


def received(request):
    return _queue(request, which="received")


def sent(request):
    return _queue(request, which="sent")


def _create(request, *, household=None, offer=None):
    _require_sender(request)
    user = request.user
    form = forms.RequestForm(request.POST or None, sender=organisation_of(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handoff = services.request_send(
                actor=user,
                recipient=data["recipient"],
                subject=data["subject"],
                text=data["text"],
                due_date=data["due_date"],
                household=household,
                offer=offer,
            )
        except DomainError as exc:
            # The recipient check is the one a user can trip: shown next to that field.
            form.add_error("recipient", exc.message)
        else:
            messages.success(request, f"Demande adressée à {handoff.recipient}.")
            return redirect("requests:detail", pk=handoff.pk)
    about = display_name(user, household) if household is not None else str(offer)
    return render(
        request,
        "requests/form.html",
        {
            "form": form,
            "about": about,
            "household": household,
            "offer": offer,
            "breadcrumbs": [
                {"label": "Demandes envoyées", "url": reverse("requests:sent")},
                {"label": "Nouvelle demande", "url": ""},
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def create_for_household(request, household_pk):
    _require_sender(request)
    return _create(request, household=get_household_for_user(request.user, household_pk))


@require_http_methods(["GET", "POST"])
def create_for_offer(request, offer_pk):
    _require_sender(request)
    return _create(
        request,
        offer=get_for_user(HousingOffer.objects.select_related("landlord"), request.user, pk=offer_pk),
    )


def detail(request, pk, answer_form=None):
    handoff = _request(request, pk)
    user = request.user
    selectors.labelled(user, [handoff])
    return render(
        request,
        "requests/detail.html",
        {
            "handoff": handoff,
            "answers": handoff.answers.select_related("organisation", "author"),
            "transitions": handoff.transitions.select_related("actor"),
            "can_answer": predicates.can_answer_request(user, handoff),
            "can_close": predicates.can_close_request(user, handoff),
            "answer_form": answer_form or forms.AnswerForm(),
            "breadcrumbs": _crumbs({"label": handoff.subject, "url": ""}),
        },
        status=400 if answer_form is not None else 200,
    )


@require_POST
def answer(request, pk):
    handoff = _request(request, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.request_answer(request=handoff, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(request, f"Réponse à la demande « {handoff.subject} » enregistrée.")
            return redirect("requests:detail", pk=handoff.pk)
    return detail(request, pk, answer_form=form)


@require_POST
def close(request, pk):
    handoff = _request(request, pk)
    try:
        services.request_close(request=handoff, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Demande « {handoff.subject} » close.")
    return redirect("requests:detail", pk=handoff.pk)
