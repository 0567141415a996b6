"""Household pages: the scoped list (filters, exports, bulk referent) and the one-page file.

Views stay thin: they fetch through the user's scope (404 outside it), check the named predicates,
parse the form and call a service; the service's French DomainError is shown as is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from relogement.audit.services import file_read_record
from relogement.core.errors import DomainError
from relogement.households import bulk as bulk_actions
from relogement.households import exports, forms, reassignment, saved_filters, selectors, services
from relogement.households.lifecycle import (
    TRANSITIONS,
    actions_available_to,
    household_transition,
    rehousing_actions,
)
from relogement.households.listing import (
    available_columns,
    columns_for,
    screen_rows,
    sort_column,
    table_body,
)
from relogement.households.models import Household, HouseholdMember, NextStep, ResourceKind
from relogement.households.splits import household_split
from relogement.households.statuses import ExitReason
from relogement.households.visibility import (
    HIDDEN_FOR_PROVIDER,
    HIDDEN_PSEUDONYMISED,
    HIDDEN_ROLE,
    display_name,
    visibility_for,
)
from relogement.indicators.cache import current_version
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.permissions.shortcuts import get_household_for_user
from relogement.territory.models import Commune

PAGE_SIZE = 50

# --- List --------------------------------------------------------------------------------------------


def _filters_from(
    request, version: str | None = None
) -> tuple[forms.HouseholdFilterForm, selectors.HouseholdFilters]:
    form = forms.HouseholdFilterForm(
        request.GET or None,
        user=request.user,
        choices=selectors.filter_choices(request.user, version=version),
    )
    filters = selectors.HouseholdFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.HouseholdFilters(
            q=data["q"],
            project=data["project"],
            building=data["building"],
            status=data["status"],
            commune=data["commune"],
            referent=data["referent"],
            needs=data["needs"],
            overdue=data.get("overdue", False),
            proposal=data.get("proposition", ""),
            sort=data["sort"] or "reference",
            columns=data.get("cols") or [],
        )
    return forms.bootstrapify(form), filters


def _sort_headers(request, columns, filters) -> list[dict]:
    """Each column header as a link sorting on it (again: the other way), with its ``aria-sort``."""
    current, reverse = sort_column(request.user, filters.sort)
    headers = []
    for column in columns:
        query = request.GET.copy()
        query.pop("page", None)
        state = None
        if current is not None and current.key == column.key:
            descending = column.sort_terms()[0][1] != reverse
            state = "descending" if descending else "ascending"
            query["sort"] = column.key if reverse else "-" + column.key
        else:
            query["sort"] = column.key
        headers.append({"column": column, "url": "?" + query.urlencode(), "aria_sort": state})
    return headers


def _bulk_forms(user) -> dict:
    """The bulk actions the user's role may run on ticked households (each checked again per household
    by its service)."""
    org = organisation_of(user)
    out = {}
    if predicates.can_assign_referent(user):
        out["referent"] = forms.bootstrapify(
            forms.BulkReferentForm(referents=selectors.referent_choices(org))
        )
    if predicates.can_bulk_plan_next_steps(user):
        out["step"] = forms.bootstrapify(forms.BulkStepForm())
    if predicates.can_bulk_reassign_provider(user):
        out["provider"] = forms.bootstrapify(forms.BulkProviderForm(providers=_bulk_providers(user)))
    if predicates.can_bulk_flag_for_committee(user):
        out["committee"] = forms.bootstrapify(forms.BulkCommitteeForm())
    if predicates.can_bulk_add_to_agenda(user):
        # One query; offered only when the organisation has a planned committee (else nothing to tick
        # the households for: the committee is planned from « Comités et CALEOL »).
        committees = list(_agenda_committees(user))
        if committees:
            out["agenda"] = forms.bootstrapify(forms.BulkAgendaForm(committees=committees))
    return out


def _agenda_committees(user):
    """The planned committees whose agenda the user keeps: those its organisation planned, on the
    projects of its perimeter, soonest first."""
    from relogement.governance.models import Committee, SessionStatus
    from relogement.projects.models import Project

    return (
        Committee.objects.filter(
            organiser=organisation_of(user),
            status=SessionStatus.PLANNED,
            project__in=Project.objects.visible_to(user),
        )
        .select_related("project")
        .order_by("starts_at", "pk")
    )


def _bulk_providers(user):
    """The social providers acting on the projects of the user's perimeter (each household's own
    project is checked by ``reassignment``)."""
    from relogement.accounts.models import Organisation, OrganisationKind
    from relogement.projects.models import Project

    return (
        Organisation.objects.filter(
            kind=OrganisationKind.SOCIAL_PROVIDER, projects__in=Project.objects.visible_to(user)
        )
        .distinct()
        .order_by("name")
    )


def household_list(request):
    # The filter choices and the counts by status of the perimeter, cached for the data version (read
    # once for both): the next pages, sorts and column changes of a list scan nothing again.
    version = current_version()
    form, filters = _filters_from(request, version)
    by_status = selectors.list_count_by_status(user=request.user, filters=filters, version=version)
    page = selectors.household_page(
        user=request.user,
        filters=filters,
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        total=sum(by_status.values()),
    )
    columns = columns_for(request.user, filters.columns)
    query = request.GET.copy()
    query.pop("page", None)
    bulk = _bulk_forms(request.user)
    rows = screen_rows(columns, page.object_list)
    return render(
        request,
        "households/household_list.html",
        {
            "filters_html": _filters_html(request, form, columns, query.urlencode(), version),
            "form": form,
            "page": page,
            "columns": columns,
            "headers": _sort_headers(request, columns, filters),
            "rows": rows,
            "table_body": table_body(rows, selectable=bool(bulk)),
            "counts": selectors.status_counts(None, by_status),
            "query": query.urlencode(),
            "bulk": bulk,
            "can_assign": bool(bulk),
            "bulk_form": bulk.get("referent"),
            "saved_filters": list(saved_filters.owned_by(request.user)),
            "saved_form": forms.SavedFilterForm(auto_id="id_saved_%s"),
            "breadcrumbs": [{"label": "Ménages", "url": ""}],
        },
    )


def _filters_html(request, form, columns, query: str, version: str | None) -> str:
    """The filter form, as HTML kept per organisation, data version and ``query`` (the page aside): its
    selects list the perimeter's buildings, communes and referents, and the next pages, the sorts and
    the same search asked again show it unchanged; rendered field by field through the widgets'
    templates, it took a fifth of the list's time."""
    from relogement.indicators.cache import cached, scope_key

    chosen = {c.key for c in columns}

    def render_form() -> str:
        return render_to_string(
            "households/_list_filters.html",
            {
                "form": form,
                "columns": columns,
                "column_choices": [
                    {"key": c.key, "label": c.label, "checked": c.key in chosen}
                    for c in available_columns(request.user)
                    if c.key != "reference"
                ],
            },
        )

    return cached(("household-list-filters", scope_key(request.user), query), render_form, version=version)


def household_export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    _, filters = _filters_from(request)
    return exports.export_response(user=request.user, filters=filters, fmt=fmt)


def _back(request) -> str:
    """The list as it was (filters, sort, columns), from the form's hidden « back » query string."""
    back = request.POST.get("back", "")
    return reverse("households:list") + ("?" + back if back else "")


def _ticked(request) -> list[int]:
    """The ticked households, all inside the user's perimeter: any other id is a 404 (like any other
    URL), before anything is read or written."""
    try:
        ids = sorted({int(pk) for pk in request.POST.getlist("households")})
    except ValueError as exc:
        raise Http404 from exc
    visible = set(Household.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - visible:
        raise Http404
    return ids


def _run_bulk(request, form, run, done: str, invalid: str):
    ids = _ticked(request)
    if not ids:
        messages.error(request, "Cochez au moins un ménage dans la liste.")
        return redirect(_back(request))
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"{invalid} {errors}".strip())
        return redirect(_back(request))
    try:
        count = run(ids, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(count=count))
    return redirect(_back(request))


@require_POST
def referent_assign_bulk(request):
    if not predicates.can_assign_referent(request.user):
        raise Http404
    org = organisation_of(request.user)
    ids = _ticked(request)
    form = forms.BulkReferentForm(request.POST, referents=selectors.referent_choices(org))
    if not form.is_valid():
        messages.error(request, "Choisissez un travailleur social de votre organisation.")
        return redirect(_back(request))
    try:
        count = services.referent_assign_bulk(
            household_ids=ids, referent=form.cleaned_data["referent"], actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Référent affecté à {count} ménage(s).")
    return redirect(_back(request))


@require_POST
def bulk_next_step(request):
    if not predicates.can_bulk_plan_next_steps(request.user):
        raise Http404
    return _run_bulk(
        request,
        forms.BulkStepForm(request.POST),
        lambda ids, data: bulk_actions.next_step_plan_bulk(
            household_ids=ids, title=data["step_title"], due_date=data["step_due_date"], actor=request.user
        ),
        "Étape « " + request.POST.get("step_title", "").strip()[:80] + " » planifiée pour {count} ménage(s).",
        "Étape non planifiée :",
    )


@require_POST
def bulk_provider(request):
    if not predicates.can_bulk_reassign_provider(request.user):
        raise Http404
    return _run_bulk(
        request,
        forms.BulkProviderForm(request.POST, providers=_bulk_providers(request.user)),
        lambda ids, data: bulk_actions.provider_assign_bulk(
            household_ids=ids,
            provider=data["provider"],
            hand_over_social_file=data["hand_over"],
            reason=data["provider_reason"],
            actor=request.user,
        ),
        "Prestataire social changé pour {count} ménage(s).",
        "Prestataire non changé :",
    )


@require_POST
def bulk_committee(request):
    if not predicates.can_bulk_flag_for_committee(request.user):
        raise Http404
    return _run_bulk(
        request,
        forms.BulkCommitteeForm(request.POST),
        lambda ids, data: bulk_actions.committee_flag_bulk(
            household_ids=ids, reason=data["committee_reason"], actor=request.user
        ),
        "{count} ménage(s) signalé(s) pour le prochain comité.",
        "Aucun ménage signalé :",
    )


@require_POST
def bulk_agenda(request):
    if not predicates.can_bulk_add_to_agenda(request.user):
        raise Http404
    return _run_bulk(
        request,
        forms.BulkAgendaForm(request.POST, committees=_agenda_committees(request.user)),
        lambda ids, data: bulk_actions.agenda_add_bulk(
            household_ids=ids, committee=data["agenda_committee"], actor=request.user
        ),
        "{count} ménage(s) inscrit(s) à l'ordre du jour du comité.",
        "Aucun ménage inscrit :",
    )


# --- Saved filters (one user's own: 404 for anybody else) ------------------------------------------


@require_POST
def saved_filter_save(request):
    form = forms.SavedFilterForm(request.POST)
    back = request.POST.get("back", "")
    if not form.is_valid():
        messages.error(request, "Donnez un nom au filtre à enregistrer (80 caractères au plus).")
        return redirect(_back(request))
    try:
        saved, created = saved_filters.saved_filter_save(
            user=request.user, name=form.cleaned_data["name"], querystring=back
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request))
    verb = "enregistré" if created else "mis à jour"
    messages.success(request, f"Filtre « {saved.name} » {verb} (filtres, tri et colonnes de la liste).")
    return redirect(reverse("households:list") + ("?" + saved.querystring if saved.querystring else ""))


def saved_filter_open(request, pk):
    saved = saved_filters.saved_filter_get(user=request.user, pk=pk)
    return redirect(reverse("households:list") + ("?" + saved.querystring if saved.querystring else ""))


@require_POST
def saved_filter_rename(request, pk):
    saved = saved_filters.saved_filter_get(user=request.user, pk=pk)
    previous = saved.name
    try:
        saved_filters.saved_filter_rename(saved=saved, name=request.POST.get("name", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Filtre « {previous} » renommé en « {saved.name} ».")
    return redirect(_back(request))


@require_POST
def saved_filter_delete(request, pk):
    saved = saved_filters.saved_filter_get(user=request.user, pk=pk)
    name = saved.name
    saved_filters.saved_filter_delete(saved=saved)
    messages.success(request, f"Filtre « {name} » supprimé.")
    return redirect(_back(request))


# --- Detail ------------------------------------------------------------------------------------------


def _diagnoses_for(household, vis, user):
    """Diagnoses as the user may see them: findings and difficulties for the provider holding them
    (can_view_social_note), conclusions where shared."""
    rows = []
    for diagnosis in household.diagnoses.all():
        held = vis.diagnosis_findings and predicates.can_view_social_note(user, household, diagnosis)
        rows.append(
            {
                "date": diagnosis.date,
                "author": str(diagnosis.author) if diagnosis.author_id else "—",
                "findings": diagnosis.findings if held else None,
                # The provider reads the section but not this diagnosis: a previous provider's.
                "withheld": vis.diagnosis_findings and not held,
                "conclusions": diagnosis.conclusions if vis.diagnosis_conclusions else None,
                "rent_arrears": diagnosis.rent_arrears if held else None,
                "debts": diagnosis.debts if held else None,
                "support_level": diagnosis.get_support_level_display() if held else None,
            }
        )
    return rows


def detail_context(request, household: Household) -> dict:
    user = request.user
    # Computed by selectors.household_file, which fetched the sections it shows.
    vis = getattr(household, "file_visibility", None) or visibility_for(user, household)
    resources = {line.kind: line for line in household.resources.all()} if vis.resources else {}
    context = {
        "household": household,
        "vis": vis,
        "name": display_name(user, household),
        "members": list(household.members.all()) if vis.members else [],
        "resource_rows": [
            {
                "label": label,
                "amount": resources[kind].monthly_amount,
                # Whose income: a member detail, shown where members' details are.
                "member": str(resources[kind].member)
                if vis.member_details and resources[kind].member
                else "",
            }
            for kind, label in ResourceKind.choices
            if kind in resources
        ],
        "diagnoses": _diagnoses_for(household, vis, user) if vis.diagnosis_any else [],
        "support_log": [
            entry
            for entry in household.support_log.all()
            if predicates.can_view_social_note(user, household, entry)
        ]
        if vis.support_log
        else [],
        "provider_changes": list(household.provider_changes.all()) if vis.provider_changes else [],
        "provider_change_blocker": reassignment.reassignment_blocker(household)
        if vis.reassign_provider
        else None,
        "next_steps": list(household.next_steps.all()) if vis.next_steps else [],
        "status_changes": list(household.status_changes.all()),
        "splits": list(household.splits.all()),
        "locations": selectors.wished_locations(household),
        "wishes": getattr(household, "wishes", None) if hasattr(household, "wishes") else None,
        "actions": actions_available_to(user, household),
        # "Relogé" goes with its record: the direct form (project office), else the proposals' move-in.
        "rehousing_actions": rehousing_actions(household)
        if predicates.can_change_status(user, household)
        else [],
        "can_record_rehousing": predicates.can_record_direct_rehousing(user, household),
        "rehousings": list(household.rehousings.all()),  # prefetched in order by household_file
        "hidden_provider": HIDDEN_FOR_PROVIDER,
        "hidden_pseudo": HIDDEN_PSEUDONYMISED,
        "hidden_role": HIDDEN_ROLE,
        "support_form": forms.bootstrapify(forms.SupportEntryForm()) if vis.edit_social else None,
        "flash": "",
        "today": dt.date.today(),
        "exit_reasons": ExitReason.choices,
        "breadcrumbs": [
            {"label": "Ménages", "url": reverse("households:list")},
            {"label": household.reference, "url": ""},
        ],
    }
    return context


def household_detail(request, pk):
    household = selectors.household_file(user=request.user, pk=pk)
    named = predicates.can_view_names(request.user, household)
    # CNIL: every read of a household file is individual and logged.
    file_read_record(user=request.user, household=household, what="fiche" if named else "fiche pseudonymisée")
    return render(request, "households/household_detail.html", detail_context(request, household))


def _section_done(request, pk: int, section: str, message: str):
    if request.htmx:
        household = selectors.household_file(user=request.user, pk=pk)
        context = detail_context(request, household)
        context["flash"] = message
        return render(request, f"households/sections/{section}.html", context)
    messages.success(request, message)
    return redirect(reverse("households:detail", args=[pk]) + f"#section-{section}")


def _form_response(request, household, form, *, title, action, section, error: DomainError | None = None):
    template = "households/_edit_form.html" if request.htmx else "households/edit_page.html"
    # A stale edit lists what changed in between, one line per change.
    changes = [str(change) for change in getattr(error, "changes", [])]
    if changes:
        message = "Ce dossier a été modifié par une autre personne depuis que vous l'avez ouvert : rien n'a été enregistré."
    else:
        message = error.message if error is not None else ""
    return render(
        request,
        template,
        {
            "household": household,
            "form": forms.bootstrapify(form),
            "title": title,
            "action": action,
            "section": section,
            "error": message,
            "changes": changes,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {"label": household.reference, "url": reverse("households:detail", args=[household.pk])},
                {"label": title, "url": ""},
            ],
        },
    )


def _save_section(request, household, form, *, title, action, section, save, done):
    """The POST half shared by every section form: an invalid form or a refused save shows the form
    again with its French message (nothing is saved); a save shows the refreshed section."""
    if not form.is_valid():
        return _form_response(request, household, form, title=title, action=action, section=section)
    try:
        save(form.cleaned_data)
    except DomainError as exc:
        return _form_response(
            request, household, form, title=title, action=action, section=section, error=exc
        )
    # What was saved, said plainly: ``done`` may be built from the saved data.
    return _section_done(request, household.pk, section, done(form.cleaned_data) if callable(done) else done)


def _household_for_edit(request, pk, flag: str) -> Household:
    household = get_household_for_user(request.user, pk)
    if not getattr(visibility_for(request.user, household), flag):
        raise Http404
    return household


def household_section(request, pk, section):
    if section not in forms.SECTIONS:
        raise Http404
    title, _, flag = forms.SECTIONS[section]
    household = _household_for_edit(request, pk, flag)
    has_members = household.members.exists()
    form_class = forms.section_form_class(section, has_members=has_members)
    action = reverse("households:section", args=[pk, section])
    if request.method != "POST":
        initial = {name: getattr(household, name) for name in form_class.base_fields if name != "version"}
        if "health_note" in initial and not predicates.can_view_health_constraints(request.user, household):
            # A previous provider's note, not handed over: the new provider writes its own.
            initial["health_note"] = ""
        initial["version"] = household.version
        return _form_response(
            request, household, form_class(initial=initial), title=title, action=action, section=section
        )
    form = form_class(request.POST)

    def save(data):
        services.household_update(
            household=household,
            changes={k: v for k, v in data.items() if k != "version" and not form.fields[k].disabled},
            actor=request.user,
            expected_version=data["version"],
        )

    return _save_section(
        request,
        household,
        form,
        title=title,
        action=action,
        section=section,
        save=save,
        done=f"{title} : modifications enregistrées.",
    )


def member_form(request, pk, member_pk=None):
    household = _household_for_edit(request, pk, "edit_household")
    member = None
    if member_pk is not None:
        member = (
            HouseholdMember.objects.visible_to(request.user).filter(household=household, pk=member_pk).first()
        )
        if member is None:
            raise Http404
    action = (
        reverse("households:member_edit", args=[pk, member_pk])
        if member
        else reverse("households:member_add", args=[pk])
    )
    title = "Modifier un membre" if member else "Ajouter un membre"
    if request.method != "POST":
        initial = {"version": household.version}
        if member:
            initial.update(
                first_name=member.first_name,
                last_name=member.last_name,
                birth_date=member.birth_date,
                relation=member.relation,
                employment=member.employment,
            )
        return _form_response(
            request,
            household,
            forms.MemberForm(initial=initial),
            title=title,
            action=action,
            section="membres",
        )

    def save(data):
        fields = {k: v for k, v in data.items() if k != "version"}
        if member:
            services.member_update(
                member=member, actor=request.user, expected_version=data["version"], **fields
            )
        else:
            services.member_add(
                household=household, actor=request.user, expected_version=data["version"], **fields
            )

    return _save_section(
        request,
        household,
        forms.MemberForm(request.POST),
        title=title,
        action=action,
        section="membres",
        save=save,
        done=lambda data: f"Membre enregistré : {data['first_name']} {data['last_name']}.",
    )


@require_POST
def member_remove(request, pk, member_pk):
    household = _household_for_edit(request, pk, "edit_household")
    member = (
        HouseholdMember.objects.visible_to(request.user).filter(household=household, pk=member_pk).first()
    )
    if member is None:
        raise Http404
    try:
        services.member_remove(
            member=member, actor=request.user, expected_version=request.POST.get("version")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("households:detail", args=[pk]) + "#section-membres")
    return _section_done(request, pk, "membres", "Membre retiré du ménage.")


def resources_form(request, pk):
    household = _household_for_edit(request, pk, "edit_household")
    if not visibility_for(request.user, household).resources:
        raise Http404
    action = reverse("households:resources", args=[pk])
    title = "Ressources mensuelles par nature"
    # "Membre concerné": this household's members only, where the user may see members' details.
    members = (
        household.members.order_by("pk")
        if predicates.can_view_member_details(request.user, household)
        else None
    )
    if request.method != "POST":
        initial = {}
        for line in household.resources.all():
            initial[f"amount_{line.kind}"] = line.monthly_amount
            initial[f"member_{line.kind}"] = line.member_id
        initial["version"] = household.version
        return _form_response(
            request,
            household,
            forms.ResourcesForm(initial=initial, members=members),
            title=title,
            action=action,
            section="ressources",
        )
    form = forms.ResourcesForm(request.POST, members=members)
    return _save_section(
        request,
        household,
        form,
        title=title,
        action=action,
        section="ressources",
        save=lambda data: services.resources_replace(
            household=household,
            amounts=form.amounts(),
            members=form.members(),
            actor=request.user,
            expected_version=data["version"],
        ),
        done="Ressources enregistrées.",
    )


def diagnosis_add(request, pk):
    household = _household_for_edit(request, pk, "edit_social")
    action = reverse("households:diagnosis_add", args=[pk])
    title = "Enregistrer un diagnostic social"
    if request.method != "POST":
        return _form_response(
            request, household, forms.DiagnosisForm(), title=title, action=action, section="diagnostic"
        )
    return _save_section(
        request,
        household,
        forms.DiagnosisForm(request.POST),
        title=title,
        action=action,
        section="diagnostic",
        save=lambda data: services.diagnosis_record(household=household, actor=request.user, **data),
        done="Diagnostic enregistré.",
    )


def wishes_form(request, pk):
    household = _household_for_edit(request, pk, "edit_household")
    communes = Commune.objects.order_by("name")
    action = reverse("households:wishes", args=[pk])
    title = "Souhaits du ménage"
    if request.method != "POST":
        initial = {"version": household.version}
        wishes = household.wishes if hasattr(household, "wishes") else None
        if wishes is not None:
            initial.update(
                dwelling_types=wishes.dwelling_types,
                housing_kind=wishes.housing_kind,
                age=wishes.age,
                max_floor=wishes.max_floor,
                needs_lift=wishes.needs_lift,
                max_residual_rent=wishes.max_residual_rent,
            )
            for location in wishes.locations.order_by("rank"):
                initial[f"commune_{location.rank}"] = location.commune_id
                initial[f"neighbourhood_{location.rank}"] = location.neighbourhood
        form = forms.WishesForm(initial=initial, communes=communes)
        return _form_response(request, household, form, title=title, action=action, section="souhaits")
    form = forms.WishesForm(request.POST, communes=communes)

    def save(data):
        services.wishes_update(
            household=household,
            actor=request.user,
            expected_version=data["version"],
            dwelling_types=data["dwelling_types"],
            housing_kind=data["housing_kind"],
            age=data["age"],
            max_floor=data["max_floor"],
            needs_lift=data["needs_lift"],
            max_residual_rent=data["max_residual_rent"],
            locations=form.locations(),
        )

    return _save_section(
        request,
        household,
        form,
        title=title,
        action=action,
        section="souhaits",
        save=save,
        done="Souhaits enregistrés.",
    )


@require_POST
def support_entry_add(request, pk):
    household = _household_for_edit(request, pk, "edit_social")
    form = forms.SupportEntryForm(request.POST)
    action = reverse("households:support_add", args=[pk])
    title = "Ajouter un contact au journal"
    return _save_section(
        request,
        household,
        form,
        title=title,
        action=action,
        section="journal",
        save=lambda data: services.support_entry_add(household=household, actor=request.user, **data),
        done="Contact ajouté au journal.",
    )


def next_step_add(request, pk):
    household = _household_for_edit(request, pk, "edit_next_steps")
    assignees = selectors.referent_choices(household.social_provider)
    action = reverse("households:step_add", args=[pk])
    title = "Planifier une prochaine étape"
    if request.method != "POST":
        return _form_response(
            request,
            household,
            forms.NextStepForm(assignees=assignees),
            title=title,
            action=action,
            section="etapes",
        )
    return _save_section(
        request,
        household,
        forms.NextStepForm(request.POST, assignees=assignees),
        title=title,
        action=action,
        section="etapes",
        save=lambda data: services.next_step_add(household=household, actor=request.user, **data),
        done=lambda data: f"Étape « {data['title']} » planifiée pour le {data['due_date']:%d/%m/%Y}.",
    )


@require_POST
def next_step_complete(request, pk, step_pk):
    household = _household_for_edit(request, pk, "edit_next_steps")
    step = NextStep.objects.visible_to(request.user).filter(household=household, pk=step_pk).first()
    if step is None:
        raise Http404
    try:
        services.next_step_complete(step=step, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("households:detail", args=[pk]) + "#section-etapes")
    return _section_done(request, pk, "etapes", f"Étape « {step.title} » marquée comme réalisée.")


@require_POST
def household_transition_view(request, pk):
    household = _household_for_edit(request, pk, "change_status")
    form = forms.TransitionForm(request.POST)
    back = reverse("households:detail", args=[pk]) + "#section-statut"
    if not form.is_valid() or form.cleaned_data["action"] not in TRANSITIONS:
        messages.error(request, "Action de cycle de vie invalide : vérifiez la date et le motif.")
        return redirect(back)
    data = form.cleaned_data
    try:
        household_transition(
            household=household,
            action=data["action"],
            actor=request.user,
            effective_date=data["effective_date"],
            reason=data["reason"],
            exit_reason=data["exit_reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{TRANSITIONS[data['action']].label} : statut mis à jour.")
    return redirect(back)


def household_split_view(request, pk):
    household = _household_for_edit(request, pk, "split")
    members = list(household.members.order_by("pk"))
    # Which resource lines leave with which member, said before the split is confirmed.
    lines = (
        list(household.resources.all()) if predicates.can_view_resources(request.user, household) else None
    )
    action = reverse("households:split", args=[pk])
    title = "Enregistrer une décohabitation"
    if request.method != "POST":
        form = forms.SplitForm(initial={"version": household.version}, members=members, resource_lines=lines)
        return _form_response(request, household, form, title=title, action=action, section="decohabitation")
    form = forms.SplitForm(request.POST, members=members, resource_lines=lines)
    if not form.is_valid():
        return _form_response(request, household, form, title=title, action=action, section="decohabitation")
    data = form.cleaned_data
    try:
        new = household_split(
            household=household,
            member_ids=data["members"],
            new_reference=data["new_reference"],
            actor=request.user,
            effective_date=data["effective_date"],
            status=data["status"],
            expected_version=data["version"],
        )
    except DomainError as exc:
        return _form_response(
            request, household, form, title=title, action=action, section="decohabitation", error=exc
        )
    messages.success(request, f"Décohabitation enregistrée : nouveau ménage {new.reference}.")
    return redirect("households:detail", pk=new.pk)


def provider_reassign(request, pk):
    """The project office moves the household to another social provider of its project, handing the
    social file over or not (households.reassignment)."""
    household = _household_for_edit(request, pk, "reassign_provider")
    providers = reassignment.provider_choices(household)
    action = reverse("households:reassign_provider", args=[pk])
    title = "Changer de prestataire social"
    if request.method != "POST":
        form = forms.ProviderReassignForm(initial={"version": household.version}, providers=providers)
        return _form_response(request, household, form, title=title, action=action, section="prestataire")
    form = forms.ProviderReassignForm(request.POST, providers=providers)
    if not form.is_valid():
        return _form_response(request, household, form, title=title, action=action, section="prestataire")
    data = form.cleaned_data
    try:
        change = reassignment.household_reassign_provider(
            household=household,
            provider=data["provider"],
            hand_over_social_file=data["hand_over_social_file"],
            reason=data["reason"],
            actor=request.user,
            expected_version=data["version"],
        )
    except DomainError as exc:
        return _form_response(
            request, household, form, title=title, action=action, section="prestataire", error=exc
        )
    handover = "dossier social transmis" if change.social_file_handed_over else "dossier social non transmis"
    messages.success(request, f"Le ménage est désormais suivi par {change.to_provider.name} ({handover}).")
    # The whole page changes (provider, referent, sections): reloaded rather than one section swapped.
    url = reverse("households:detail", args=[pk]) + "#section-prestataire"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
