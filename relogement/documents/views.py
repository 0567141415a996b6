"""Documents of a household file: the section (htmx partial), upload, download, delete.

Each view fetches the household through the user's scope and the document through the named
predicates: outside them, 404. Downloads never go through a media URL: this view checks the predicate,
writes the read log and streams the stored file as an attachment.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from relogement.audit.services import file_read_record
from relogement.core.errors import DomainError
from relogement.documents import selectors, services
from relogement.documents.forms import DocumentForm
from relogement.households.forms import bootstrapify
from relogement.households.visibility import HIDDEN_PSEUDONYMISED
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_household_for_user

SECTION = "documents"


def section_context(request, household, *, flash: str = "", error: str = "") -> dict:
    return {
        "household": household,
        "docs": selectors.documents_section(user=request.user, household=household),
        "hidden_text": HIDDEN_PSEUDONYMISED,
        "flash": flash,
        "error": error,
    }


def _household_with_documents(request, pk):
    household = get_household_for_user(request.user, pk)
    if not predicates.can_view_documents(request.user, household):
        raise Http404
    return household


def _section_url(household) -> str:
    return reverse("households:detail", args=[household.pk]) + f"#section-{SECTION}"


def _done(request, household, message: str):
    if request.htmx:
        return render(request, "documents/_section.html", section_context(request, household, flash=message))
    messages.success(request, message)
    return redirect(_section_url(household))


def document_section(request, pk):
    """The section alone (htmx) or as a page of its own."""
    household = _household_with_documents(request, pk)
    template = "documents/_section.html" if request.htmx else "documents/section_page.html"
    context = section_context(request, household)
    context["breadcrumbs"] = [
        {"label": "Ménages", "url": reverse("households:list")},
        {"label": household.reference, "url": reverse("households:detail", args=[household.pk])},
        {"label": "Documents", "url": ""},
    ]
    return render(request, template, context)


def _form_response(request, household, form, *, error: str = "", status: int = 200):
    template = "documents/_upload_form.html" if request.htmx else "documents/upload_page.html"
    return render(
        request,
        template,
        {
            "household": household,
            "form": bootstrapify(form),
            "error": error,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {"label": household.reference, "url": reverse("households:detail", args=[household.pk])},
                {"label": "Ajouter un document", "url": ""},
            ],
        },
        status=status,
    )


def document_upload(request, pk):
    household = _household_with_documents(request, pk)
    kinds = selectors.addable_kinds(request.user, household)
    if not kinds:
        raise Http404
    if request.method != "POST":
        return _form_response(request, household, DocumentForm(kinds=kinds))
    form = DocumentForm(request.POST, request.FILES, kinds=kinds)
    if not form.is_valid():
        return _form_response(request, household, form)
    data = form.cleaned_data
    try:
        services.document_add(
            household=household,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            actor=request.user,
        )
    except services.DocumentRefused as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _form_response(request, household, form)
        return _form_response(request, household, form, error=exc.message)
    return _done(request, household, "Document ajouté.")


def _chunks(storage, name: str, size: int = 64 * 1024):
    """The stored file, read as it is sent (the file is opened when the response starts, and closed
    at its end: a 10 MB scan never sits whole in memory)."""
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def document_download(request, pk, document_pk):
    household = _household_with_documents(request, pk)
    document = selectors.document_for(user=request.user, household=household, pk=document_pk)
    if document is None or document.is_deleted or not document.file:
        raise Http404
    storage = document.file.storage
    if not storage.exists(document.file.name):
        raise Http404("Fichier introuvable dans le stockage.")
    # CNIL: a download of a named document is a read of the file, logged with the document's number.
    file_read_record(
        user=request.user,
        household=household,
        # The kind's label without its examples, so that the 60-character page label is never cut.
        what=f"document n° {document.pk} ({document.get_kind_display().split(' (')[0]})",
    )
    response = StreamingHttpResponse(_chunks(storage, document.file.name), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition_header(True, selectors.download_name(document))
    # Never rendered by the browser as something else than its checked type, never kept in a cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def document_delete_view(request, pk, document_pk):
    household = _household_with_documents(request, pk)
    document = selectors.document_for(user=request.user, household=household, pk=document_pk)
    if document is None or not predicates.can_delete_document(request.user, household, document):
        raise Http404
    try:
        services.document_delete(document=document, actor=request.user)
    except DomainError as exc:
        if request.htmx:
            return render(
                request, "documents/_section.html", section_context(request, household, error=exc.message)
            )
        messages.error(request, exc.message)
        return redirect(_section_url(household))
    return _done(request, household, "Document supprimé : son fichier a été effacé, la trace reste.")
