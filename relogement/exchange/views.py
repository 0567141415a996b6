"""Exchange pages: import a follow-up file (with progress and report), export a perimeter (at once, or
in the background with progress when large)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from relogement.audit.models import FileRead
from relogement.audit.services import file_reads_record_query
from relogement.exchange import jobs, tasks
from relogement.exchange.exporter import export_rows, write_export
from relogement.exchange.forms import ExportForm, ImportForm
from relogement.exchange.models import ExportJob, ExportKind, ImportJob, ImportJobStatus
from relogement.exchange.report import ImportReport
from relogement.households.models import Household
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Project

REPORT_ROWS_SHOWN = 500
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "application/zip",
}


def _require_organisation(request):
    if organisation_of(request.user) is None and not request.user.is_superuser:
        raise Http404


def _require_importer(request):
    if not predicates.can_import_exchange_files(request.user):
        raise Http404


def _crumbs(*items):
    return [{"label": "Échanges", "url": reverse("exchange:home")}, *[{"label": i, "url": ""} for i in items]]


def home(request):
    _require_organisation(request)
    can_import = predicates.can_import_exchange_files(request.user)
    recent = (
        ImportJob.objects.filter(created_by=request.user).order_by("-created_at")[:10] if can_import else []
    )
    return render(
        request,
        "exchange/home.html",
        {"can_import": can_import, "recent_jobs": recent, "breadcrumbs": [{"label": "Échanges", "url": ""}]},
    )


@require_http_methods(["GET", "POST"])
def import_file(request):
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        job = ImportJob.objects.create(
            created_by=request.user,
            organisation=organisation_of(request.user),
            filename=upload.name[:255],
            dry_run=form.cleaned_data["dry_run"],
            source_path=jobs.store_upload(upload, form.cleaned_data.get("propositions")),
        )
        tasks.enqueue_import(job)
        return redirect("exchange:job", pk=job.pk)
    return render(request, "exchange/import.html", {"form": form, "breadcrumbs": _crumbs("Importer")})


def _job_for(request, pk) -> ImportJob:
    _require_importer(request)
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    # A lost import wrote nothing: its transaction never committed.
    job.fail_if_lost()
    return job


def _job_context(job: ImportJob) -> dict:
    report = ImportReport.from_dict(job.report) if job.report else None
    return {
        "job": job,
        "report": report,
        "errors_shown": report.errors[:REPORT_ROWS_SHOWN] if report else [],
        "warnings_shown": report.warnings[:REPORT_ROWS_SHOWN] if report else [],
        "rows_shown": REPORT_ROWS_SHOWN,
    }


def job_detail(request, pk):
    job = _job_for(request, pk)
    context = _job_context(job) | {"breadcrumbs": _crumbs(f"Import « {job.filename} »")}
    return render(request, "exchange/job.html", context)


def job_progress(request, pk):
    job = _job_for(request, pk)
    return render(request, "exchange/_import_progress.html", _job_context(job))


def _log_named_export(request, households) -> None:
    """A named export is a read of every file it contains (CNIL: access is individual and logged), in
    one ``INSERT … SELECT`` statement whatever the number of households."""
    file_reads_record_query(user=request.user, households=households, what="export fichier de suivi")


def _export_stem(project) -> str:
    return f"suivi-relogement-{project.code if project else 'perimetre'}-{timezone.localdate():%Y-%m-%d}"


def export_file(request):
    """Small perimeters download at once; larger ones are written in the background (a whole
    metropolis takes minutes, longer than a browser or a proxy waits) and downloaded from their page."""
    _require_organisation(request)
    projects = Project.objects.visible_to(request.user).order_by("name")
    form = ExportForm(request.GET if "format" in request.GET else None, projects=projects)
    named = predicates.can_view_named_data(request.user)
    if form.is_bound and form.is_valid():
        households = Household.objects.visible_to(request.user)
        project = form.cleaned_data["projet"]
        if project is not None:
            households = households.filter(project=project)
        fmt = form.cleaned_data["format"]
        extension = "zip" if fmt == "csv" else fmt
        filename = f"{_export_stem(project)}.{extension}"
        if named:
            _log_named_export(request, households)
        if households.count() > settings.EXCHANGE_EXPORT_INLINE_MAX:
            jobs.remove_old_exports()
            job = ExportJob.objects.create(
                created_by=request.user,
                organisation=organisation_of(request.user),
                project=project,
                format=fmt,
                named=named,
                filename=filename,
            )
            tasks.enqueue_export(job)
            return redirect("exchange:export_job", pk=job.pk)
        buffer = io.BytesIO()
        write_export(buffer, export_rows(households, viewer=request.user), fmt)
        response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(
        request,
        "exchange/export.html",
        {"form": form, "named": named, "breadcrumbs": _crumbs("Exporter")},
    )


def _export_job_for(request, pk) -> ExportJob:
    """Only its author sees an export job (404 otherwise), as the organisation it was made for."""
    _require_organisation(request)
    job = get_object_or_404(
        ExportJob, pk=pk, created_by=request.user, organisation=organisation_of(request.user)
    )
    job.fail_if_lost()
    return job


def export_job(request, pk):
    job = _export_job_for(request, pk)
    if job.kind == ExportKind.LIST:
        crumbs = [
            {"label": "Ménages", "url": reverse("households:list")},
            {"label": f"Export « {job.filename} »", "url": ""},
        ]
    else:
        crumbs = _crumbs("Exporter", f"Export « {job.filename} »")
    return render(request, "exchange/export_job.html", {"job": job, "breadcrumbs": crumbs})


def export_job_progress(request, pk):
    return render(request, "exchange/_export_progress.html", {"job": _export_job_for(request, pk)})


def export_download(request, pk):
    """The file from the storage that every server shares, through this scoped view only."""
    job = _export_job_for(request, pk)
    if job.status != ImportJobStatus.DONE or not job.file_path or not default_storage.exists(job.file_path):
        raise Http404("Fichier d'export non disponible (en cours, en échec ou supprimé après un jour).")
    if job.kind == ExportKind.LIST and job.named:
        # Each download of a named list is a read of the files it holds: the rows the job wrote (those
        # its own read log names), in one statement.
        from relogement.households.exports import job_read_label

        written = FileRead.objects.filter(user=job.created_by, what=job_read_label(job)).values(
            "household_id"
        )
        file_reads_record_query(
            user=request.user,
            households=Household.objects.filter(pk__in=written),
            what=f"téléchargement {job_read_label(job)}",
        )
    return FileResponse(
        default_storage.open(job.file_path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.format],
    )
