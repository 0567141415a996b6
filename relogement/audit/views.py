"""The access log of household files, for administrators only (predicate can_view_access_log);
anyone else gets 404, like any URL outside their perimeter."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from relogement.accounts.models import User
from relogement.audit.selectors import file_reads
from relogement.households.models import Household
from relogement.permissions.predicates import can_view_access_log

PAGE_SIZE = 100


def _require_admin(request):
    if not can_view_access_log(request.user):
        raise Http404


def _page(request, reads, *, title, subject, crumbs):
    page = Paginator(reads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/read_list.html",
        {"page": page, "title": title, "subject": subject, "breadcrumbs": crumbs},
    )


def read_index(request):
    _require_admin(request)
    crumbs = [{"label": "Consultations de dossiers", "url": ""}]
    return _page(request, file_reads(), title="Consultations de dossiers", subject="", crumbs=crumbs)


def household_reads(request, pk):
    _require_admin(request)
    # The administrator sees the log, not the file: only the household's reference is shown.
    household = get_object_or_404(Household.objects.only("pk", "reference"), pk=pk)
    title = f"Consultations du dossier {household.reference}"
    crumbs = [
        {"label": "Consultations de dossiers", "url": reverse("audit:index")},
        {"label": household.reference, "url": ""},
    ]
    return _page(
        request, file_reads(household_id=household.pk), title=title, subject="household", crumbs=crumbs
    )


def user_reads(request, pk):
    _require_admin(request)
    person = get_object_or_404(User.objects.all(), pk=pk)
    title = f"Consultations par {person}"
    crumbs = [
        {"label": "Consultations de dossiers", "url": reverse("audit:index")},
        {"label": str(person), "url": ""},
    ]
    return _page(request, file_reads(user_id=person.pk), title=title, subject="user", crumbs=crumbs)
