"""The alert centre (one per user, computed by ``rules.alerts_for``) and the notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from relogement.alerts import caching, rules, services
from relogement.alerts.models import AlertKind, Channel
from relogement.households.forms import bootstrapify
from relogement.permissions import predicates
from relogement.permissions.shortcuts import get_project_for_user


def _require(request):
    if not predicates.can_receive_alerts(request.user):
        raise Http404


def _rule_projects(user):
    """The projects whose alert rules the user sets (project office, commune): one query."""
    from relogement.permissions.scopes import organisation_of

    org = organisation_of(user)
    if org is None or org.kind not in ("project_office", "municipality"):
        return []
    return list(org.projects.order_by("name").only("pk", "name"))


def centre(request):
    """Every alert by kind, each kind cut at ``rules.LIMIT`` with a link to all of them; ``?type=<kind>``:
    all the alerts of one kind, by pages (the home page's work queue links here)."""
    _require(request)
    kind = request.GET.get("type", "")
    if kind in AlertKind.values:
        alerts = rules.alerts_for(request.user, kinds=[kind], limit=None)
        page = Paginator(alerts, 100).get_page(request.GET.get("page"))
        return render(
            request,
            "alerts/centre_kind.html",
            {
                "kind": AlertKind(kind),
                "page": page,
                "total": len(alerts),
                "overdue": sum(a.overdue for a in alerts),
                "query": f"type={kind}",
                "breadcrumbs": [
                    {"label": "Alertes", "url": reverse("alerts:centre")},
                    {"label": AlertKind(kind).label, "url": ""},
                ],
            },
        )
    groups = _groups(request.user)
    return render(
        request,
        "alerts/centre.html",
        {
            "groups": groups,
            "total": sum(g.total for g in groups),
            "limit": rules.LIMIT,
            "rule_projects": _rule_projects(request.user),
            "breadcrumbs": [{"label": "Alertes", "url": ""}],
        },
    )


def _groups(user):
    """The user's alert groups, kept while nothing they read changes (alerts.caching): the badge asks
    for them on every page."""
    today = timezone.localdate()
    return caching.for_user(user, "groups", lambda: rules.alert_groups(user, today=today), today=today)


def count(request):
    """The menu's badge (loaded by htmx after the page, so that no page pays for the rules): the number
    of the user's alerts, and how many are overdue, in a short French text for screen readers."""
    from django.http import HttpResponse
    from django.utils.html import format_html

    _require(request)
    groups = _groups(request.user)
    total = sum(g.total for g in groups)
    if not total:
        return HttpResponse("")
    # Counted among the shown ones (the most urgent of each kind): a kind cut at the limit may have more.
    overdue = sum(g.overdue for g in groups)
    label = f"{total} alerte{'s' if total > 1 else ''}"
    if overdue:
        label += f", dont {overdue} en retard"
    return HttpResponse(
        format_html(
            '<span class="badge rounded-pill {} ms-1" data-alert-count="{}">{}<span class="visually-hidden"> ({})</span></span>',
            "text-bg-danger" if overdue else "text-bg-secondary",
            total,
            total,
            label,
        )
    )


class PreferencesForm(forms.Form):
    def __init__(self, *args, initial_channels, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in AlertKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, initial=initial_channels[kind.value]
            )
        bootstrapify(self)


@require_http_methods(["GET", "POST"])
def preferences(request):
    _require(request)
    form = PreferencesForm(request.POST or None, initial_channels=services.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.alert_preferences_set(user=request.user, channels=form.cleaned_data)
        messages.success(request, "Préférences de notification enregistrées.")
        return redirect("alerts:preferences")
    return render(
        request,
        "alerts/preferences.html",
        {
            "form": form,
            "breadcrumbs": [{"label": "Alertes", "url": "/alertes/"}, {"label": "Préférences", "url": ""}],
        },
    )


class ProjectRulesForm(forms.Form):
    stalled_proposal_days = forms.IntegerField(
        label="Alerter sur une proposition sans réponse après (jours)",
        min_value=1,
        max_value=365,
        required=False,
        help_text="Laisser vide pour ne jamais alerter.",
    )
    deadline_warning_days = forms.IntegerField(
        label="Alerter avant la fin du droit au maintien dans les lieux (jours)", min_value=1, max_value=365
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


@require_http_methods(["GET", "POST"])
def project_rules(request, project_pk):
    from relogement.alerts.models import (
        DEFAULT_DEADLINE_WARNING_DAYS,
        DEFAULT_STALLED_DAYS,
        ProjectAlertSettings,
    )

    project = get_project_for_user(request.user, project_pk)
    if not predicates.can_set_alert_rules(request.user, project):
        raise Http404
    current = ProjectAlertSettings.objects.filter(project=project).first()
    initial = {
        "stalled_proposal_days": current.stalled_proposal_days if current else DEFAULT_STALLED_DAYS,
        "deadline_warning_days": current.deadline_warning_days if current else DEFAULT_DEADLINE_WARNING_DAYS,
    }
    form = ProjectRulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_alert_rules_set(project=project, actor=request.user, **form.cleaned_data)
        messages.success(request, "Règles d'alerte du projet enregistrées.")
        return redirect("alerts:project_rules", project_pk=project.pk)
    return render(
        request,
        "alerts/project_rules.html",
        {
            "form": form,
            "project": project,
            "breadcrumbs": [
                {"label": "Alertes", "url": "/alertes/"},
                {"label": f"Règles de {project.name}", "url": ""},
            ],
        },
    )
