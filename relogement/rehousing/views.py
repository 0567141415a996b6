"""The rehousing record: read it, correct its APL, RLS and ANRU payment flag."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.households.lifecycle import rehousing_actions
from relogement.offers.forms import RehousingTermsForm
from relogement.offers.selectors import household_label
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_household_for_user
from relogement.rehousing.forms import DirectRehousingForm
from relogement.rehousing.models import Rehousing
from relogement.rehousing.services import RehousingError, rehousing_record_direct, rehousing_update_terms


def _get(request, pk) -> Rehousing:
    return get_object_or_404(
        Rehousing.objects.visible_to(request.user).select_related(
            "household", "household__project", "commune", "offer"
        ),
        pk=pk,
    )


def _rac(rehousing):
    if rehousing.rent is None:
        return None
    parts = [rehousing.rent, rehousing.charges, -(rehousing.apl or 0), -(rehousing.rls or 0)]
    return sum(p for p in parts if p is not None)


def rehousing_detail(request, pk):
    rehousing = _get(request, pk)
    household = rehousing.household
    label = household_label(request.user, household)
    return render(
        request,
        "rehousing/detail.html",
        {
            "rehousing": rehousing,
            "label": label,
            "rac": _rac(rehousing),
            "show_money": predicates.can_view_destination_costs(request.user, household),
            "can_edit": predicates.can_record_commission(request.user),
            # A rehousing belongs to a household: the trail leads back to its file.
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {"label": label, "url": reverse("households:detail", args=[household.pk])},
                {"label": "Relogement", "url": ""},
            ],
        },
    )


def rehousing_edit(request, pk):
    rehousing = _get(request, pk)
    if not predicates.can_record_commission(request.user):
        raise Http404
    initial = {
        "apl": rehousing.apl,
        "rls": rehousing.rls,
        "rent_reduction_payment": {True: "oui", False: "non"}.get(rehousing.rent_reduction_payment, ""),
    }
    form = RehousingTermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rehousing_update_terms(rehousing=rehousing, actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Relogement mis à jour.")
            return redirect("rehousing:detail", pk=rehousing.pk)
    return render(
        request,
        "rehousing/edit.html",
        {
            "rehousing": rehousing,
            "form": form,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {
                    "label": household_label(request.user, rehousing.household),
                    "url": reverse("households:detail", args=[rehousing.household_id]),
                },
                {"label": "Relogement", "url": reverse("rehousing:detail", args=[rehousing.pk])},
                {"label": "Modifier", "url": ""},
            ],
        },
    )


def rehousing_record(request, household_pk):
    """Direct rehousing (outside the pooled offers): the record and the household's "relogé" or
    "relogé temporairement" in one service; refused input is shown next to its field, nothing written."""
    household = get_household_for_user(request.user, household_pk)
    kinds = [t.needs_rehousing for t in rehousing_actions(household)]
    if not predicates.can_record_direct_rehousing(request.user, household) or not kinds:
        raise Http404
    form = DirectRehousingForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            rehousing = rehousing_record_direct(
                household=household, actor=request.user, **form.service_kwargs()
            )
        except RehousingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Relogement enregistré : le statut du ménage est mis à jour.")
            return redirect("rehousing:detail", pk=rehousing.pk)
    label = household_label(request.user, household)
    return render(
        request,
        "rehousing/record.html",
        {
            "household": household,
            "label": label,
            "form": form,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {"label": label, "url": reverse("households:detail", args=[household.pk])},
                {"label": "Enregistrer un relogement", "url": ""},
            ],
        },
    )
