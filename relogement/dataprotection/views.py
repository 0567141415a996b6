"""The DPO's pages (administrators, see the predicates) and the information notice of a household.

Everyone else gets 404, as outside any perimeter. Every page or file of a named household is written
to the read log, under « RGPD … » for the DPO's exception (selectors)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from relogement.audit.services import file_read_record
from relogement.core.errors import DomainError
from relogement.core.spreadsheet import csv_field
from relogement.dataprotection import changes as change_log
from relogement.dataprotection import forms, selectors
from relogement.dataprotection.controller import controller_for, data_controller_set
from relogement.dataprotection.erasure import erasure_blockers, household_erase
from relogement.dataprotection.models import DataController, ErasureRecord
from relogement.dataprotection.notice import notice_for
from relogement.dataprotection.pdf import pdf_response, render_pdf
from relogement.dataprotection.register import processing_register
from relogement.dataprotection.subject_access import archive_bytes, file_stem, subject_access
from relogement.permissions.predicates import (
    can_handle_data_subject_requests,
    can_keep_processing_register,
    can_review_changes,
)

CHANGES_PAGE_SIZE = 50
HOME_CRUMB = {"label": "Protection des données", "url": ""}


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _crumbs(*trail):
    return [{"label": "Protection des données", "url": reverse("dataprotection:home")}, *trail]


def home(request):
    _require(can_handle_data_subject_requests(request.user))
    form = forms.styled(forms.SearchForm(request.GET or None))
    found = None
    if form.is_valid():
        found = selectors.dpo_search(query=form.cleaned_data["q"])
        selectors.remember_found(request.session, found)
    return render(
        request,
        "dataprotection/home.html",
        {
            "form": form,
            "found": found,
            "controller": controller_for(None),
            "erasures": ErasureRecord.objects.select_related("actor", "organisation")[:20],
            "can_review": can_review_changes(request.user),
            "can_register": can_keep_processing_register(request.user),
            "breadcrumbs": [HOME_CRUMB],
        },
    )


def household(request, pk: int):
    household = selectors.household_for_dpo(request, pk)
    file_read_record(user=request.user, household=household, what="RGPD : dossier (DPO)")
    export = subject_access(household)
    return render(
        request,
        "dataprotection/household.html",
        {
            "household": household,
            "export": export,
            "blockers": erasure_blockers(household, today=timezone.localdate()),
            "erasures": household.erasures.select_related("actor", "organisation"),
            "breadcrumbs": _crumbs({"label": household.reference, "url": ""}),
        },
    )


def access_pdf(request, pk: int):
    household = selectors.household_for_dpo(request, pk)
    file_read_record(user=request.user, household=household, what="RGPD : droit d'accès (PDF)")
    content = render_pdf("dataprotection/pdf/subject_access.html", {"export": subject_access(household)})
    return pdf_response(content, file_stem(household, "acces") + ".pdf")


def access_archive(request, pk: int):
    household = selectors.household_for_dpo(request, pk)
    file_read_record(user=request.user, household=household, what="RGPD : droit d'accès (archive)")
    response = HttpResponse(archive_bytes(subject_access(household)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{file_stem(household, "acces")}.zip"'
    return response


@require_http_methods(["GET", "POST"])
def erase(request, pk: int):
    household = selectors.household_for_dpo(request, pk)
    form = forms.styled(
        forms.ErasureForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household_erase(
                household=household,
                reason=data["reason"],
                requested_on=data["requested_on"],
                no_dispute=data["no_dispute"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"Le dossier {household.reference} a été anonymisé à la demande du ménage."
            )
            return redirect("dataprotection:household", pk=household.pk)
    # The page names the household so that the DPO erases the right one: a read of the file.
    file_read_record(user=request.user, household=household, what="RGPD : effacement (confirmation)")
    return render(
        request,
        "dataprotection/erase.html",
        {
            "household": household,
            "form": form,
            "error": error,
            "blockers": erasure_blockers(household, today=timezone.localdate()),
            "breadcrumbs": _crumbs(
                {
                    "label": household.reference,
                    "url": reverse("dataprotection:household", args=[household.pk]),
                },
                {"label": "Effacement sur demande", "url": ""},
            ),
        },
    )


def notice(request, pk: int):
    household, dpo = selectors.household_for_notice(request, pk)
    what = "RGPD : notice d'information" if dpo else "notice d'information"
    file_read_record(user=request.user, household=household, what=what)
    content = render_pdf("dataprotection/pdf/notice.html", {"notice": notice_for(household)})
    return pdf_response(content, file_stem(household, "notice") + ".pdf")


def register(request):
    _require(can_keep_processing_register(request.user))
    return render(
        request,
        "dataprotection/register.html",
        {
            "register": processing_register(),
            "breadcrumbs": _crumbs({"label": "Registre des traitements", "url": ""}),
        },
    )


def _change_filters(request):
    form = forms.ChangeFilterForm(request.GET or None)
    if not request.GET:
        return form, change_log.ChangeFilters()
    return form, form.filters() if form.is_valid() else None


def changes(request):
    _require(can_review_changes(request.user))
    form, filters = _change_filters(request)
    page = None
    if filters is not None:
        page = Paginator(change_log.changes(filters), CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = change_log.describe(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dataprotection/changes.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "breadcrumbs": _crumbs({"label": "Revue des modifications", "url": ""}),
        },
    )


class _Echo:
    def write(self, value):
        return value


def changes_csv(request):
    _require(can_review_changes(request.user))
    form, filters = _change_filters(request)
    if filters is None:
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(
            f"Filtres invalides : {errors}", status=400, content_type="text/plain; charset=utf-8"
        )
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")

    def lines():
        # The BOM lets spreadsheet software read the accents right.
        yield "\ufeff" + writer.writerow(change_log.CSV_HEADER)
        for change in change_log.changes_in_batches(filters):
            yield writer.writerow([csv_field(value) for value in change_log.csv_row(change)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"modifications-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def controller(request):
    _require(can_keep_processing_register(request.user))
    form = forms.styled(forms.ControllerForm(request.POST or None))
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_controller_set(
                project=data["project"],
                name=data["name"],
                address=data["address"],
                dpo_contact=data["dpo_contact"],
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Responsable de traitement enregistré.")
            return redirect("dataprotection:controller")
    return render(
        request,
        "dataprotection/controller.html",
        {
            "form": form,
            "error": error,
            "rows": DataController.objects.select_related("project").order_by("project__name"),
            "breadcrumbs": _crumbs({"label": "Responsable de traitement", "url": ""}),
        },
    )
