"""Working-group pages (issue 15 point 3): groups, meetings with minutes, frozen indicator snapshots,
decisions and follow-up actions.

Every group is fetched through its scope (``WorkingGroup.objects.visible_to``: members only, 404
otherwise); the writes are the services of ``working_groups.py`` behind named predicates. No page shows
a household: the snapshot is an aggregate, shown with the secret statistique.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from relogement.core.errors import DomainError
from relogement.governance import forms_groups as forms
from relogement.governance import working_groups as wg
from relogement.governance.models import Action, GroupMeeting, WorkingGroup
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_for_user

LIST = {"label": "Groupes de travail", "url": ""}


def _crumbs(*items):
    return [{"label": LIST["label"], "url": reverse("governance:group_list")}, *items]


def _group(request, pk) -> WorkingGroup:
    return get_for_user(WorkingGroup.objects.select_related("organiser"), request.user, pk=pk)


def _managed_group(request, pk) -> WorkingGroup:
    group = _group(request, pk)
    if not predicates.can_manage_working_group(request.user, group):
        raise Http404
    return group


def _meeting(group, meeting_pk) -> GroupMeeting:
    return get_object_or_404(GroupMeeting.objects.select_related("group"), pk=meeting_pk, group=group)


def group_list(request):
    user = request.user
    if not predicates.can_view_governance(user):
        raise Http404
    return render(
        request,
        "governance/groups/list.html",
        {
            "groups": WorkingGroup.objects.visible_to(user).select_related("organiser")[:100],
            "my_actions": wg.my_group_actions(user=user)[:50],
            "can_create": predicates.can_create_working_group(user),
            "breadcrumbs": [LIST],
        },
    )


@require_http_methods(["GET", "POST"])
def group_create(request):
    if not predicates.can_create_working_group(request.user):
        raise Http404
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = wg.working_group_create(
                actor=request.user,
                name=data["name"],
                description=data["description"],
                organisations=data["organisations"],
                people=data["people"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Groupe de travail créé.")
            return redirect("governance:group_detail", pk=group.pk)
    return render(
        request,
        "governance/groups/form.html",
        {"form": form, "breadcrumbs": _crumbs({"label": "Créer un groupe", "url": ""})},
    )


def _detail(request, group, *, members_form=None, meeting_form=None, status=200):
    manager = predicates.can_manage_working_group(request.user, group)
    if manager and members_form is None:
        members_form = forms.MembersForm(
            initial={
                "organisations": group.member_organisations.all(),
                "people": group.member_people.all(),
            }
        )
    return render(
        request,
        "governance/groups/detail.html",
        {
            "group": group,
            "manager": manager,
            "organisations": group.member_organisations.order_by("name"),
            "people": group.member_people.order_by("last_name"),
            "meetings": group.meetings.all(),
            "actions": wg.group_actions(group=group),
            "members_form": members_form,
            "meeting_form": meeting_form or (forms.MeetingForm() if manager else None),
            "breadcrumbs": _crumbs({"label": group.name, "url": ""}),
        },
        status=status,
    )


def group_detail(request, pk):
    return _detail(request, _group(request, pk))


@require_POST
def group_members(request, pk):
    group = _managed_group(request, pk)
    form = forms.MembersForm(request.POST)
    if form.is_valid():
        try:
            wg.working_group_set_members(
                group=group,
                actor=request.user,
                organisations=form.cleaned_data["organisations"],
                people=form.cleaned_data["people"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Membres mis à jour.")
            return redirect("governance:group_detail", pk=group.pk)
    return _detail(request, group, members_form=form)


@require_POST
def group_meeting_create(request, pk):
    group = _managed_group(request, pk)
    form = forms.MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = wg.group_meeting_create(
                group=group,
                actor=request.user,
                date=form.cleaned_data["date"],
                place=form.cleaned_data["place"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Réunion ajoutée.")
            return redirect("governance:group_meeting", pk=group.pk, meeting_pk=meeting.pk)
    return _detail(request, group, meeting_form=form)


def _org_ids(group) -> list[int]:
    return sorted(wg._member_organisation_ids(group))


def _meeting_page(request, group, meeting, **bound):
    manager = predicates.can_manage_working_group(request.user, group)
    snapshot = getattr(meeting, "snapshot", None)
    context = {
        "group": group,
        "meeting": meeting,
        "manager": manager,
        "snapshot": snapshot,
        "snapshot_rows": wg.snapshot_rows(snapshot) if snapshot else [],
        "decisions": meeting.decisions.prefetch_related(
            "actions__owner_organisation", "actions__owner_person"
        ),
        "breadcrumbs": _crumbs(
            {"label": group.name, "url": reverse("governance:group_detail", kwargs={"pk": group.pk})},
            {"label": f"Réunion du {meeting.date:%d/%m/%Y}", "url": ""},
        ),
    }
    if manager:
        context["minutes_form"] = bound.get("minutes_form") or forms.MinutesForm(
            initial={"minutes": meeting.minutes}
        )
        context["snapshot_form"] = bound.get("snapshot_form") or (
            None
            if snapshot
            else forms.SnapshotForm(
                user=request.user, initial={"as_of": min(meeting.date, timezone.localdate())}
            )
        )
        context["decision_form"] = bound.get("decision_form") or forms.GroupDecisionForm(
            org_ids=_org_ids(group)
        )
    return render(request, "governance/groups/meeting.html", context)


def group_meeting(request, pk, meeting_pk):
    group = _group(request, pk)
    return _meeting_page(request, group, _meeting(group, meeting_pk))


@require_POST
def group_minutes(request, pk, meeting_pk):
    group = _managed_group(request, pk)
    meeting = _meeting(group, meeting_pk)
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            wg.group_meeting_write_minutes(
                meeting=meeting, actor=request.user, minutes=form.cleaned_data["minutes"]
            )
        except DomainError as exc:
            form.add_error("minutes", exc.message)
        else:
            messages.success(request, "Compte rendu enregistré.")
            return redirect("governance:group_meeting", pk=group.pk, meeting_pk=meeting.pk)
    return _meeting_page(request, group, meeting, minutes_form=form)


@require_POST
def group_snapshot(request, pk, meeting_pk):
    group = _managed_group(request, pk)
    meeting = _meeting(group, meeting_pk)
    form = forms.SnapshotForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            wg.group_snapshot_take(
                meeting=meeting,
                actor=request.user,
                perimeter_token=form.cleaned_data["perimeter"],
                as_of=form.cleaned_data["as_of"],
            )
        except DomainError as exc:
            form.add_error("as_of" if "date" in exc.message else None, exc.message)
        else:
            messages.success(request, "Indicateurs figés pour cette réunion.")
            return redirect("governance:group_meeting", pk=group.pk, meeting_pk=meeting.pk)
    return _meeting_page(request, group, meeting, snapshot_form=form)


@require_POST
def group_decision(request, pk, meeting_pk):
    group = _managed_group(request, pk)
    meeting = _meeting(group, meeting_pk)
    form = forms.GroupDecisionForm(request.POST, org_ids=_org_ids(group))
    if form.is_valid():
        data = form.cleaned_data
        try:
            wg.group_decision_record(
                meeting=meeting,
                actor=request.user,
                text=data["text"],
                action_title=data["action_title"],
                owner_organisation=data.get("action_organisation"),
                owner_person=data.get("action_person"),
                due_date=data.get("action_due"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "Décision du groupe de travail enregistrée au compte rendu de la réunion."
            )
            return redirect("governance:group_meeting", pk=group.pk, meeting_pk=meeting.pk)
    return _meeting_page(request, group, meeting, decision_form=form)


@require_POST
def group_action_update(request, pk, action_pk):
    group = _group(request, pk)
    action = get_object_or_404(
        Action.objects.select_related("group_decision__meeting__group"),
        pk=action_pk,
        group_decision__meeting__group=group,
    )
    if not predicates.can_update_group_action(request.user, action):
        raise Http404
    try:
        action = wg.group_action_set_status(
            action=action, actor=request.user, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Action « {action.title} » : {action.get_status_display().lower()}.")
    return redirect("governance:group_detail", pk=group.pk)
