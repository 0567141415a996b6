"""Forms of the requests between organisations: French labels, the warning on free text."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.households.forms import bootstrapify

FREE_TEXT_WARNING = (
    "Texte libre lu par les deux organisations : n'y écrivez aucune information sociale ni de santé "
    "(les e-mails ne portent qu'un lien vers la demande)."
)


class RequestForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label="Organisation destinataire",
        queryset=Organisation.objects.none(),
        help_text="Seule une organisation qui suit le ménage (ou voit l'offre) peut recevoir la demande.",
    )
    subject = forms.CharField(label="Objet", max_length=200)
    text = forms.CharField(
        label="Demande", widget=forms.Textarea(attrs={"rows": 5}), help_text=FREE_TEXT_WARNING
    )
    due_date = forms.DateField(
        label="Échéance",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def __init__(self, *args, sender: Organisation, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_date", timezone.localdate() + dt.timedelta(days=15))
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (
            Organisation.objects.exclude(kind=OrganisationKind.ADMIN).exclude(pk=sender.pk).order_by("name")
        )
        self.fields["recipient"].widget.attrs["data-searchable"] = "1"  # long list: app.js filter box
        bootstrapify(self)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("L'échéance ne peut pas être passée.")
        return due


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Réponse", widget=forms.Textarea(attrs={"rows": 4}), help_text=FREE_TEXT_WARNING
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)
