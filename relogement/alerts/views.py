"""The alert centre (one per user, computed by ``rules.alerts_for``) and the notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from relogement.alerts import rules, services
from relogement.alerts.models import AlertKind, Channel
from relogement.households.forms import bootstrapify
from relogement.permissions import predicates


def _require(request):
    if not predicates.can_receive_alerts(request.user):
        raise Http404


def centre(request):
    _require(request)
    alerts = rules.alerts_for(request.user)
    groups = []
    for kind in AlertKind:
        items = [a for a in alerts if a.kind == kind]
        if items:
            groups.append(
                {"kind": kind, "label": kind.label, "alerts": items, "overdue": sum(a.overdue for a in items)}
            )
    return render(
        request,
        "alerts/centre.html",
        {"groups": groups, "total": len(alerts), "breadcrumbs": [{"label": "Alertes", "url": ""}]},
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
