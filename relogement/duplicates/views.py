"""Duplicate pages: the suspected pairs of the user's perimeter, the decision on one pair, its undoing.

Every household is fetched through the user's scope (404 outside it); the pages are open to
can_view_duplicates and the actions to can_decide_duplicate (404 otherwise, never 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from relogement.core.errors import DomainError
from relogement.duplicates import selectors, services
from relogement.duplicates.forms import DecisionForm, UndoForm
from relogement.duplicates.models import DecisionKind
from relogement.households.models import Household
from relogement.households.visibility import display_name
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_household_for_user

PAGE_SIZE = 25


def _require_viewer(request) -> None:
    if not predicates.can_view_duplicates(request.user):
        raise Http404


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _side(user, household: Household) -> dict:
    return {"household": household, "name": display_name(user, household)}


def pair_list(request):
    _require_viewer(request)
    user = request.user
    view = "decisions" if request.GET.get("vue") == "decisions" else "pairs"
    if view == "decisions":
        page = Paginator(selectors.decisions_visible_to(user), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            {
                "decision": d,
                "low": _side(user, d.household_low),
                "high": _side(user, d.household_high),
                "can_undo": d.active
                and predicates.can_decide_duplicate(user, d.household_low, d.household_high),
            }
            for d in page.object_list
        ]
    else:
        page = Paginator(selectors.suspected_pairs(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
        ids = {pk for pair in page.object_list for pk in (pair.low_id, pair.high_id)}
        households = Household.objects.visible_to(user).select_related("project", "building").in_bulk(ids)
        rows = []
        for pair in page.object_list:
            low, high = households.get(pair.low_id), households.get(pair.high_id)
            if low is None or high is None:
                continue
            rows.append(
                {
                    "pair": pair,
                    "low": _side(user, low),
                    "high": _side(user, high),
                    "can_decide": predicates.can_decide_duplicate(user, low, high),
                }
            )
    return render(
        request,
        "duplicates/pair_list.html",
        {
            "view": view,
            "page": page,
            "rows": rows,
            "decision_kinds": DecisionKind,
            "breadcrumbs": [{"label": "Doublons possibles", "url": ""}],
        },
    )


def pair_decide(request, pk, other_pk):
    _require_viewer(request)
    household = get_household_for_user(request.user, pk)
    other = get_household_for_user(request.user, other_pk)
    if household.pk == other.pk or not predicates.can_decide_duplicate(request.user, household, other):
        raise Http404
    low, high = services.canonical(household, other)
    form = DecisionForm(request.POST or None, initial={"decision": request.GET.get("decision")})
    if request.method == "POST" and form.is_valid():
        try:
            services.duplicate_decide(
                household=low,
                other=high,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            label = DecisionKind(form.cleaned_data["decision"]).label
            messages.success(
                request, f"Décision enregistrée : {label.lower()} ({low.reference}, {high.reference})."
            )
            return redirect(_back(request, reverse("duplicates:pairs")))
    return render(
        request,
        "duplicates/pair_decide.html",
        {
            "form": form,
            "low": _side(request.user, low),
            "high": _side(request.user, high),
            "evidence": selectors.pair_evidence(low, high),
            "next": _back(request, ""),
            "breadcrumbs": [
                {"label": "Doublons possibles", "url": reverse("duplicates:pairs")},
                {"label": f"{low.reference} / {high.reference}", "url": ""},
            ],
        },
    )


def decision_undo(request, pk):
    _require_viewer(request)
    decision = get_object_or_404(selectors.decisions_visible_to(request.user), pk=pk)
    low, high = decision.household_low, decision.household_high
    if decision.undone_at is not None or not predicates.can_decide_duplicate(request.user, low, high):
        raise Http404
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.duplicate_decision_undo(
                decision=decision, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Décision annulée ({low.reference}, {high.reference}).")
            return redirect(_back(request, reverse("duplicates:pairs") + "?vue=decisions"))
    return render(
        request,
        "duplicates/decision_undo.html",
        {
            "form": form,
            "decision": decision,
            "low": _side(request.user, low),
            "high": _side(request.user, high),
            "next": _back(request, ""),
            "breadcrumbs": [
                {"label": "Doublons possibles", "url": reverse("duplicates:pairs")},
                {"label": "Annuler une décision", "url": ""},
            ],
        },
    )
