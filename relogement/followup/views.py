"""Post-rehousing follow-up pages: the due list, a household's milestones, recording a milestone."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from relogement.audit.services import file_read_record
from relogement.core.errors import DomainError
from relogement.followup import selectors, services
from relogement.followup.dates import MILESTONES
from relogement.followup.forms import FollowUpForm
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_household_for_user


def _require_named_data(request):
    if not predicates.can_view_named_data(request.user):
        raise Http404


def followup_list(request):
    _require_named_data(request)
    due = selectors.due_followups_in_scope(request.user)
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/followup_list.html",
        {"page": page, "breadcrumbs": [{"label": "Suivi post-relogement", "url": ""}]},
    )


def _household(request, pk):
    _require_named_data(request)
    return get_household_for_user(request.user, pk)


def household_followups(request, pk):
    household = _household(request, pk)
    file_read_record(user=request.user, household=household, what="suivi post-relogement")
    milestones = selectors.household_milestones(household)
    return render(
        request,
        "followup/household_followups.html",
        {
            "household": household,
            "milestones": milestones,
            "can_record": predicates.can_record_followup(request.user, household),
            "breadcrumbs": [
                {"label": "Suivi post-relogement", "url": reverse("followup:list")},
                {"label": f"Ménage {household.reference}", "url": ""},
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def record_followup(request, pk, months):
    household = _household(request, pk)
    if months not in MILESTONES or not predicates.can_record_followup(request.user, household):
        raise Http404
    milestones = {m.months_after: m for m in selectors.household_milestones(household)}
    if months not in milestones:
        raise Http404
    milestone = milestones[months]
    form = FollowUpForm(request.POST or None, initial=FollowUpForm.initial_from(milestone.followup))
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_record(
                household=household, months_after=months, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Suivi à {months} mois enregistré.")
            return redirect("followup:household", pk=household.pk)
    return render(
        request,
        "followup/record.html",
        {
            "household": household,
            "milestone": milestone,
            "form": form,
            "breadcrumbs": [
                {"label": "Suivi post-relogement", "url": reverse("followup:list")},
                {
                    "label": f"Ménage {household.reference}",
                    "url": reverse("followup:household", args=[household.pk]),
                },
                {"label": f"Suivi à {months} mois", "url": ""},
            ],
        },
    )
