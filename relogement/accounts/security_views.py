"""Account security pages for administrators (predicate can_administer_accounts; anyone else gets
404): the security log (filterable, paginated, exported as CSV), the locked-out accounts and addresses
(unlock), the users with two-factor authentication (reset)."""

from __future__ import annotations

import csv
import datetime as dt
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from relogement.accounts import throttling, two_factor
from relogement.accounts.forms import SecurityLogFilterForm
from relogement.accounts.models import SecurityEvent, User
from relogement.core.errors import DomainError
from relogement.core.spreadsheet import csv_field
from relogement.permissions.predicates import can_administer_accounts

PAGE_SIZE = 50


def _require_admin(request):
    if not can_administer_accounts(request.user):
        raise Http404


def _filtered_events(form: SecurityLogFilterForm):
    events = SecurityEvent.objects.select_related("user", "actor")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["kind"]:
        events = events.filter(kind=data["kind"])
    if data["q"]:
        q = data["q"].strip()
        match = Q(username__icontains=q)
        if _is_ip(q):
            match |= Q(ip_address=q)
        events = events.filter(match)
    tz = timezone.get_current_timezone()
    if data["since"]:
        events = events.filter(at__gte=dt.datetime.combine(data["since"], dt.time.min, tzinfo=tz))
    if data["until"]:
        events = events.filter(
            at__lt=dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return events


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def security_log(request):
    _require_admin(request)
    form = SecurityLogFilterForm(request.GET or None)
    page = Paginator(_filtered_events(form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "breadcrumbs": [{"label": "Journal de sécurité", "url": ""}],
        },
    )


def security_log_export(request):
    """The filtered log as CSV (text written inert for spreadsheets: core/spreadsheet.py)."""
    _require_admin(request)
    events = _filtered_events(SecurityLogFilterForm(request.GET or None))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="journal-securite-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads the file as UTF-8 with the mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["date", "événement", "identifiant saisi", "compte", "adresse IP", "détail", "par"])
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                csv_field(event.get_kind_display()),
                csv_field(event.username),
                csv_field(str(event.user) if event.user else ""),
                csv_field(event.ip_address),
                csv_field(event.detail),
                csv_field(str(event.actor) if event.actor else ""),
            ]
        )
    return response


def security_accounts(request):
    """Locked-out accounts and addresses, and the users with two-factor authentication."""
    _require_admin(request)
    q = (request.GET.get("q") or "").strip()
    users = User.objects.annotate(
        two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).order_by("username")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    else:
        users = users.filter(two_factor=True)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/security_accounts.html",
        {
            "locked_accounts": throttling.locked_accounts(),
            "locked_addresses": throttling.locked_addresses(),
            "page": page,
            "q": q,
            "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "breadcrumbs": [{"label": "Sécurité des comptes", "url": ""}],
        },
    )


def _done(request, action):
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("security_accounts"))


@require_POST
def unlock_account(request):
    _require_admin(request)
    username = request.POST.get("username", "")

    def action():
        throttling.account_unlock(username=username, actor=request.user, request=request)
        messages.success(request, f"Le compte « {username} » est débloqué.")

    return _done(request, action)


@require_POST
def unlock_address(request):
    _require_admin(request)
    ip_address = request.POST.get("ip_address", "")

    def action():
        throttling.address_unlock(ip_address=ip_address, actor=request.user, request=request)
        messages.success(request, f"L'adresse « {ip_address} » est débloquée.")

    return _done(request, action)


@require_POST
def reset_two_factor(request, pk):
    _require_admin(request)
    person = get_object_or_404(User.objects.all(), pk=pk)

    def action():
        two_factor.two_factor_reset(user=person, actor=request.user, request=request)
        messages.success(
            request,
            f"La double authentification de {person} est réinitialisée : à sa prochaine connexion, "
            "cette personne devra l'activer de nouveau si elle est obligatoire pour elle.",
        )

    return _done(request, action)
