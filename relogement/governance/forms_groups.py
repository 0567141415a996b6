"""Forms of the working-group pages: French labels, choices limited to the group's members."""

from __future__ import annotations

from django import forms

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.governance.forms import searchable
from relogement.households.forms import bootstrapify
from relogement.indicators.perimeter import perimeter_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people():
    return User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("last_name")


class GroupForm(forms.Form):
    name = forms.CharField(label="Nom du groupe", max_length=200)
    description = forms.CharField(label="Objet", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations membres",
        queryset=Organisation.objects.exclude(kind=OrganisationKind.ADMIN).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        label="Personnes membres",
        queryset=_people(),
        required=False,
        help_text="Des personnes d'autres organisations peuvent être membres à titre individuel.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self.fields["people"])
        bootstrapify(self)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Indiquez le nom du groupe de travail.")
        return name


class MembersForm(forms.Form):
    organisations = GroupForm.base_fields["organisations"]
    people = GroupForm.base_fields["people"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self.fields["people"])
        bootstrapify(self)


class MeetingForm(forms.Form):
    date = forms.DateField(label="Date de la réunion", widget=DATE_WIDGET)
    place = forms.CharField(label="Lieu ou lien de visioconférence", max_length=250, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Compte rendu",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Lu par tous les membres du groupe : pas de nom de ménage, de note sociale ni de "
        "donnée de santé.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class SnapshotForm(forms.Form):
    perimeter = forms.ChoiceField(label="Périmètre", choices=())
    as_of = forms.DateField(label="Date d'observation", widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perimeter"].choices = perimeter_choices(user)
        bootstrapify(self)


class GroupDecisionForm(forms.Form):
    text = forms.CharField(label="Décision", widget=forms.Textarea(attrs={"rows": 2}))
    action_title = forms.CharField(label="Action de suivi", max_length=300, required=False)
    action_organisation = forms.ModelChoiceField(
        label="Organisation responsable", queryset=Organisation.objects.none(), required=False
    )
    action_person = forms.ModelChoiceField(
        label="Personne responsable", queryset=User.objects.none(), required=False
    )
    action_due = forms.DateField(label="Échéance", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, org_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_organisation"].queryset = Organisation.objects.filter(pk__in=org_ids).order_by(
            "name"
        )
        self.fields["action_person"].queryset = (
            User.objects.filter(is_active=True, memberships__organisation_id__in=org_ids)
            .distinct()
            .order_by("last_name")
        )
        bootstrapify(self)

    def clean(self):
        data = super().clean()
        if data.get("action_title"):
            if not data.get("action_organisation") and not self.has_error("action_organisation"):
                self.add_error("action_organisation", "Choisissez l'organisation responsable de l'action.")
            if not data.get("action_due") and not self.has_error("action_due"):
                self.add_error("action_due", "Indiquez l'échéance de l'action.")
        elif data.get("action_organisation") or data.get("action_due") or data.get("action_person"):
            self.add_error("action_title", "Décrivez l'action de suivi.")
        return data
