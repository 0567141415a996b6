"""Governance pages: committees (agenda, case summaries, decisions, minutes) and CALEOL sessions.

Every session is fetched through its scope (``visible_to``: 404 outside); every write is a service of
``services.py``; what a reader sees of a household follows the household file's predicates.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from relogement.audit.services import file_read_record, file_reads_record
from relogement.core.errors import DomainError
from relogement.dataprotection.pdf import pdf_response, render_pdf
from relogement.governance import forms, selectors, services
from relogement.governance.models import (
    Action,
    CommissionItem,
    CommissionSession,
    Committee,
    CommitteeCase,
    SessionStatus,
)
from relogement.households.models import Household
from relogement.households.visibility import display_name
from relogement.offers.models import Proposal
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_for_user, get_household_for_user

INDEX = {"label": "Comités et CALEOL", "url": ""}


def _crumbs(*items):
    return [{"label": INDEX["label"], "url": reverse("governance:index")}, *items]


def _committee(request, pk) -> Committee:
    return get_for_user(Committee.objects.select_related("project", "organiser"), request.user, pk=pk)


def _secretary_committee(request, pk) -> Committee:
    committee = _committee(request, pk)
    if not predicates.can_run_committee(request.user, committee):
        raise Http404
    return committee


def _commission(request, pk) -> CommissionSession:
    return get_for_user(CommissionSession.objects.select_related("landlord"), request.user, pk=pk)


def _landlord_commission(request, pk) -> CommissionSession:
    session = _commission(request, pk)
    if not predicates.can_run_commission(request.user, session):
        raise Http404
    return session


def index(request):
    user = request.user
    if not predicates.can_view_governance(user):
        raise Http404
    committees = Committee.objects.visible_to(user).select_related("project", "organiser")
    sessions = CommissionSession.objects.visible_to(user).select_related("landlord")
    return render(
        request,
        "governance/index.html",
        {
            "committees": committees[:100],
            "sessions": sessions[:100],
            "can_plan_committee": predicates.can_plan_committee(user),
            "can_plan_commission": predicates.can_plan_commission(user),
            "breadcrumbs": [INDEX],
        },
    )


# --- committees ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def committee_create(request):
    if not predicates.can_plan_committee(request.user):
        raise Http404
    form = forms.CommitteeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.committee_plan(
                project=data["project"],
                actor=request.user,
                starts_at=data["starts_at"],
                place=data["place"],
                video_link=data["video_link"],
                organisations=data["organisations"],
                people=data["people"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Comité planifié : {committee.cases.count()} dossier(s) à l'ordre du jour."
            )
            return redirect("governance:committee_detail", pk=committee.pk)
    return render(
        request,
        "governance/committee_form.html",
        {"form": form, "breadcrumbs": _crumbs({"label": "Planifier un comité", "url": ""})},
    )


@require_http_methods(["GET", "POST"])
def committee_edit(request, pk):
    """The secretary changes a planned committee's date, place or link and invitations."""
    committee = _secretary_committee(request, pk)
    initial = {
        "starts_at": timezone.localtime(committee.starts_at),
        "place": committee.place,
        "video_link": committee.video_link,
        "organisations": list(committee.invited_organisations.all()),
        "people": list(committee.invited_people.all()),
    }
    form = forms.CommitteeEditForm(
        request.POST or None, initial=initial, user=request.user, committee=committee
    )
    if committee.status != SessionStatus.PLANNED:
        messages.error(
            request, "Le comité a été tenu : sa date, son lieu et ses invitations ne changent plus."
        )
        return redirect("governance:committee_detail", pk=committee.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.committee_update(
                committee=committee,
                actor=request.user,
                starts_at=data["starts_at"],
                place=data["place"],
                video_link=data["video_link"],
                organisations=data["organisations"],
                people=data["people"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Comité modifié.")
            return redirect("governance:committee_detail", pk=committee.pk)
    return render(
        request,
        "governance/committee_edit.html",
        {
            "form": form,
            "committee": committee,
            "breadcrumbs": _crumbs(
                {
                    "label": str(committee),
                    "url": reverse("governance:committee_detail", kwargs={"pk": committee.pk}),
                },
                {"label": "Modifier", "url": ""},
            ),
        },
    )


def committee_detail(request, pk):
    committee = _committee(request, pk)
    user = request.user
    return render(
        request,
        "governance/committee_detail.html",
        {
            "committee": committee,
            "rows": selectors.agenda(committee=committee, user=user),
            "secretary": predicates.can_run_committee(user, committee),
            "organisations": committee.invited_organisations.all(),
            "people": committee.invited_people.all(),
            "transitions": committee.transitions.select_related("actor"),
            "add_form": forms.AddCaseForm(),
            "breadcrumbs": _crumbs({"label": str(committee), "url": ""}),
        },
    )


def committee_minutes(request, pk):
    """The minutes as a PDF, rendered for the reader: names where its organisation sees them,
    pseudonyms otherwise, decisions and actions, never a social note."""
    committee = _committee(request, pk)
    rows = selectors.agenda(committee=committee, user=request.user)
    named = [
        r.case.household_id
        for r in rows
        if r.in_scope and predicates.can_view_names(request.user, r.case.household)
    ]
    file_reads_record(user=request.user, household_ids=named, what="compte rendu de comité")
    content = render_pdf(
        "governance/pdf/minutes.html",
        {
            "committee": committee,
            "rows": rows,
            "organisations": committee.invited_organisations.all(),
            "printed_at": timezone.localtime(),
        },
    )
    return pdf_response(content, f"compte-rendu-comite-{committee.pk}.pdf")


ACTIONS = {
    "refresh": services.committee_refresh_agenda,
    "hold": services.committee_hold,
    "send_minutes": services.committee_send_minutes,
}
DONE = {
    "refresh": "Ordre du jour mis à jour.",
    "hold": "Séance marquée comme tenue.",
    "send_minutes": "Compte rendu envoyé aux membres du comité.",
}


@require_POST
def committee_action(request, pk, action):
    committee = _secretary_committee(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](committee=committee, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action])
    return redirect("governance:committee_detail", pk=committee.pk)


@require_POST
def case_add(request, pk):
    committee = _secretary_committee(request, pk)
    form = forms.AddCaseForm(request.POST)
    household = None
    if form.is_valid():
        household = (
            Household.objects.visible_to(request.user)
            .filter(project=committee.project, reference=form.cleaned_data["reference"].strip())
            .first()
        )
    if household is None:
        messages.error(request, "Aucun ménage de ce projet ne porte cette référence dans votre périmètre.")
    else:
        try:
            services.committee_case_add(committee=committee, household=household, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Ménage {household.reference} ajouté à l'ordre du jour.")
    return redirect("governance:committee_detail", pk=committee.pk)


def _case(committee, case_pk, user, *, in_scope: bool = True) -> CommitteeCase:
    case = get_object_or_404(
        committee.cases.select_related("household__building", "household__project"),
        pk=case_pk,
        removed_at__isnull=True,
    )
    # A case of a household outside the reader's own scope: its summary is not the reader's to open.
    if in_scope and not Household.objects.visible_to(user).filter(pk=case.household_id).exists():
        raise Http404
    return case


@require_POST
def case_remove(request, pk, case_pk):
    committee = _secretary_committee(request, pk)
    case = _case(committee, case_pk, request.user, in_scope=False)
    try:
        services.committee_case_remove(case=case, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Dossier retiré de l'ordre du jour.")
    return redirect("governance:committee_detail", pk=committee.pk)


def case_summary(request, pk, case_pk):
    committee = _committee(request, pk)
    case = _case(committee, case_pk, request.user)
    context = selectors.case_summary(case=case, user=request.user)
    named = predicates.can_view_names(request.user, case.household)
    file_read_record(
        user=request.user,
        household=case.household,
        what="fiche de comité" if named else "fiche de comité pseudonymisée",
    )
    context.update(
        committee=committee,
        breadcrumbs=_crumbs(
            {"label": str(committee), "url": reverse("governance:committee_detail", args=[committee.pk])},
            {"label": context["name"], "url": ""},
        ),
    )
    template = "governance/_case_summary.html" if request.htmx else "governance/case_summary.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def case_decide(request, pk, case_pk):
    committee = _secretary_committee(request, pk)
    case = _case(committee, case_pk, request.user)
    form = forms.DecisionForm(request.POST or None, user=request.user, committee=committee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.committee_case_decide(
                case=case,
                actor=request.user,
                decision=data["decision"],
                note=data["note"],
                offer=data["offer"],
                action=form.action(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            name = display_name(request.user, case.household)
            messages.success(request, f"Décision du comité enregistrée pour {name}.")
            return redirect("governance:committee_detail", pk=committee.pk)
    return render(
        request,
        "governance/case_decide.html",
        {
            "committee": committee,
            "case": case,
            "name": display_name(request.user, case.household),
            "form": form,
            "breadcrumbs": _crumbs(
                {"label": str(committee), "url": reverse("governance:committee_detail", args=[committee.pk])},
                {"label": "Décision", "url": ""},
            ),
        },
    )


@require_POST
def action_update(request, pk, action_pk):
    committee = _committee(request, pk)
    action = get_object_or_404(
        Action.objects.select_related("committee_case__committee"),
        pk=action_pk,
        committee_case__committee=committee,
    )
    org_id = getattr(request.user.active_organisation, "pk", None)
    if action.owner_organisation_id != org_id and not predicates.can_run_committee(request.user, committee):
        raise Http404
    try:
        action = services.action_set_status(
            action=action, actor=request.user, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Action « {action.title} » : {action.get_status_display().lower()}.")
    return redirect("governance:committee_detail", pk=committee.pk)


@require_POST
def flag_household(request, household_pk):
    household = get_household_for_user(request.user, household_pk)
    if not predicates.can_flag_for_committee(request.user, household):
        raise Http404
    form = forms.FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de la présentation en comité (300 caractères au plus).")
    else:
        try:
            services.committee_flag(
                household=household, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "Ménage signalé : il sera inscrit à l'ordre du jour du prochain comité."
            )
    return redirect(reverse("households:detail", args=[household.pk]) + "#section-gouvernance")


# --- CALEOL sessions -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def commission_create(request):
    if not predicates.can_plan_commission(request.user):
        raise Http404
    form = forms.CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.commission_plan(
                actor=request.user, date=form.cleaned_data["date"], place=form.cleaned_data["place"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Séance planifiée : {session.items.count()} proposition(s) inscrite(s)."
            )
            return redirect("governance:commission_detail", pk=session.pk)
    return render(
        request,
        "governance/commission_form.html",
        {"form": form, "breadcrumbs": _crumbs({"label": "Planifier une séance de CALEOL", "url": ""})},
    )


def commission_detail(request, pk):
    session = _commission(request, pk)
    user = request.user
    visible = Proposal.objects.visible_to(user).values("pk")
    items = list(
        session.items.filter(proposal_id__in=visible)
        .select_related("proposal__household", "proposal__offer", "decided_by")
        .order_by("proposal__offer__reference", "rank", "pk")
    )
    runs = predicates.can_run_commission(user, session)
    return render(
        request,
        "governance/commission_detail.html",
        {
            "session": session,
            "rows": [
                {
                    "item": i,
                    "label": display_name(user, i.proposal.household),
                    "awaiting_rank": services.awaiting_rank(i),
                }
                for i in items
            ],
            "runs": runs,
            "pending": list(
                selectors.pending_commission_proposals(landlord=session.landlord, exclude_session=session)[
                    :200
                ]
            )
            if runs and session.status == SessionStatus.PLANNED
            else [],
            "transitions": session.transitions.select_related("actor"),
            "breadcrumbs": _crumbs({"label": str(session), "url": ""}),
        },
    )


COMMISSION_ACTIONS = {"hold": services.commission_hold, "close": services.commission_close}


@require_POST
def commission_action(request, pk, action):
    session = _landlord_commission(request, pk)
    if action not in COMMISSION_ACTIONS:
        raise Http404
    try:
        COMMISSION_ACTIONS[action](session=session, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Séance tenue." if action == "hold" else "Procès-verbal envoyé : séance close."
        )
    return redirect("governance:commission_detail", pk=session.pk)


@require_POST
def commission_item_add(request, pk):
    session = _landlord_commission(request, pk)
    raw = request.POST.get("proposal", "")
    proposal = (
        Proposal.objects.visible_to(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    )
    if proposal is None:
        messages.error(request, "Choisissez une proposition en attente de CALEOL.")
    else:
        try:
            services.commission_item_add(session=session, proposal=proposal, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Proposition inscrite à la séance.")
    return redirect("governance:commission_detail", pk=session.pk)


@require_POST
def commission_confirm_rank(request, pk, item_pk):
    """The landlord confirms a rank-2+ attribution once the candidates before withdrew."""
    session = _landlord_commission(request, pk)
    item = get_object_or_404(CommissionItem, session=session, pk=item_pk)
    try:
        services.commission_confirm_rank(item=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Attribution en rang {item.rank} confirmée : le logement est réservé.")
    return redirect("governance:commission_detail", pk=session.pk)


@require_POST
def commission_item_remove(request, pk, item_pk):
    session = _landlord_commission(request, pk)
    item = get_object_or_404(CommissionItem, session=session, pk=item_pk)
    try:
        services.commission_item_remove(item=item, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Proposition retirée de la séance.")
    return redirect("governance:commission_detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
def commission_decide(request, pk, item_pk):
    session = _landlord_commission(request, pk)
    item = get_object_or_404(
        CommissionItem.objects.select_related("proposal__household", "proposal__offer"),
        session=session,
        pk=item_pk,
    )
    form = forms.CommissionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commission_decide(
                item=item,
                actor=request.user,
                outcome=data["outcome"],
                rank=data["rank"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Décision de CALEOL enregistrée.")
            return redirect("governance:commission_detail", pk=session.pk)
    return render(
        request,
        "governance/commission_decide.html",
        {
            "session": session,
            "item": item,
            "name": display_name(request.user, item.proposal.household),
            "form": form,
            "breadcrumbs": _crumbs(
                {"label": str(session), "url": reverse("governance:commission_detail", args=[session.pk])},
                {"label": "Décision", "url": ""},
            ),
        },
    )
