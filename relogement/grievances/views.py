"""Grievance pages: the organisation's list, recording one for a household, its page and its actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from relogement.audit.services import file_read_record
from relogement.core.errors import DomainError
from relogement.grievances import selectors, services
from relogement.grievances.forms import CloseForm, FilterForm, GrievanceForm, TransitionForm
from relogement.grievances.models import Grievance
from relogement.grievances.states import RULES, allowed_actions
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_for_user, get_household_for_user

LIST_CRUMB = {"label": "Réclamations", "url": ""}


def _require_list(request):
    if not predicates.can_list_grievances(request.user):
        raise Http404


def grievance_list(request):
    _require_list(request)
    filters = FilterForm(request.GET or None)
    state = category = ""
    if filters.is_valid():
        state, category = filters.cleaned_data["etat"], filters.cleaned_data["objet"]
    today = timezone.localdate()
    qs = selectors.filtered_grievances(request.user, state=state, category=category, today=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grievances/grievance_list.html",
        {
            "page": page,
            "rows": [(g, g.is_overdue(today)) for g in page],
            "filters": filters,
            "breadcrumbs": [LIST_CRUMB],
        },
    )


@require_http_methods(["GET", "POST"])
def grievance_create(request, pk):
    household = get_household_for_user(request.user, pk)
    if not predicates.can_record_grievance(request.user, household):
        raise Http404
    form = GrievanceForm(
        request.POST or None, household=household, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            grievance = services.grievance_record(
                household=household, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Réclamation du {grievance.received_on:%d/%m/%Y} enregistrée.")
            return redirect("grievances:detail", pk=grievance.pk)
    return render(
        request,
        "grievances/grievance_form.html",
        {
            "household": household,
            "form": form,
            "breadcrumbs": [
                {**LIST_CRUMB, "url": reverse("grievances:list")},
                {
                    "label": f"Ménage {household.reference}",
                    "url": reverse("households:detail", args=[household.pk]),
                },
                {"label": "Nouvelle réclamation", "url": ""},
            ],
        },
    )


def _grievance(request, pk) -> Grievance:
    return get_for_user(Grievance.objects.select_related("household", "responsible"), request.user, pk=pk)


def _detail(request, grievance, *, forms=None, status=200):
    file_read_record(user=request.user, household=grievance.household, what="réclamation")
    actions = allowed_actions(grievance, request.user)
    forms = forms or {}
    for rule in actions:
        forms.setdefault(
            rule.action,
            CloseForm(initial={"closed_on": timezone.localdate()})
            if rule.action == "close"
            else TransitionForm(),
        )
    return render(
        request,
        "grievances/grievance_detail.html",
        {
            "grievance": grievance,
            "household": grievance.household,
            "can_read_text": predicates.can_read_grievance_text(request.user, grievance),
            "actions": [(rule, forms[rule.action]) for rule in actions],
            "transitions": grievance.transitions.select_related("actor"),
            "overdue": grievance.is_overdue(timezone.localdate()),
            "breadcrumbs": [
                {**LIST_CRUMB, "url": reverse("grievances:list")},
                {"label": f"Réclamation du ménage {grievance.household.reference}", "url": ""},
            ],
        },
        status=status,
    )


def grievance_detail(request, pk):
    return _detail(request, _grievance(request, pk))


@require_POST
def grievance_action(request, pk, action):
    grievance = _grievance(request, pk)
    rule = RULES.get(action)
    if rule is None or rule not in allowed_actions(grievance, request.user):
        raise Http404
    form = CloseForm(request.POST) if action == "close" else TransitionForm(request.POST)
    if form.is_valid():
        try:
            if action == "close":
                services.grievance_close(
                    grievance=grievance,
                    outcome=form.cleaned_data["outcome"],
                    household_agrees=form.agrees(),
                    closed_on=form.cleaned_data["closed_on"],
                    actor=request.user,
                )
            else:
                services.grievance_transition(
                    grievance=grievance, action=action, reason=form.cleaned_data["reason"], actor=request.user
                )
        except DomainError as exc:
            # The missing reason is said next to its field; any other refusal above the form.
            field = "reason" if action != "close" and "motif" in exc.message else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"{rule.label} : fait.")
            return redirect("grievances:detail", pk=grievance.pk)
    return _detail(request, grievance, forms={action: form}, status=200)
