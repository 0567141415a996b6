"""Forms of the DPO pages (French labels; the services check the rules and say what is wrong)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from relogement.accounts.models import Organisation
from relogement.dataprotection.changes import ChangeFilters, kinds
from relogement.households.forms import bootstrapify
from relogement.projects.models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Référence ou pseudonyme du ménage",
        max_length=60,
        help_text="La référence exacte (par exemple CONC-001) ou le pseudonyme (M-…) figurant sur la "
        "demande : aucune recherche par nom, pour qu'aucun dossier ne soit parcouru sans demande.",
    )


class ErasureForm(forms.Form):
    requested_on = forms.DateField(label="Demande reçue le", widget=DATE)
    reason = forms.CharField(
        label="Motif et référence de la demande",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : « courrier du 3 mars, demande d'effacement (art. 17) ». Ne recopiez "
        "aucun nom : ce motif est conservé après l'effacement, comme preuve de la réponse.",
    )
    no_dispute = forms.BooleanField(
        label="Je confirme qu'aucune réclamation ni aucun contentieux en cours n'impose de conserver ce dossier",
        required=False,
    )


class ChangeFilterForm(forms.Form):
    date_from = forms.DateField(label="Du", required=False, widget=DATE)
    date_to = forms.DateField(label="Au", required=False, widget=DATE)
    user = forms.ModelChoiceField(
        label="Utilisateur",
        queryset=get_user_model().objects.order_by("last_name", "username"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(label="Table", required=False)
    household = forms.CharField(label="Ménage (référence ou pseudonyme)", max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Toutes")] + kinds()
        bootstrapify(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("La date de début doit précéder la date de fin.")
        return data

    def filters(self) -> ChangeFilters:
        data = self.cleaned_data
        return ChangeFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            user_id=data["user"].pk if data.get("user") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            kind=data.get("kind") or "",
            household=(data.get("household") or "").strip(),
        )


class ControllerForm(forms.Form):
    project = forms.ModelChoiceField(
        label="Projet",
        queryset=Project.objects.order_by("name"),
        required=False,
        empty_label="Tous les projets (responsable par défaut)",
    )
    name = forms.CharField(label="Responsable de traitement", max_length=200)
    address = forms.CharField(label="Adresse postale", widget=forms.Textarea(attrs={"rows": 2}))
    dpo_contact = forms.CharField(
        label="Contact du délégué à la protection des données",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Adresse électronique et/ou postale à laquelle les ménages exercent leurs droits.",
    )


def styled(form: forms.Form) -> forms.Form:
    return bootstrapify(form)
