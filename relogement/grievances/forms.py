from django import forms
from django.db.models import Q

from relogement.accounts.models import Organisation
from relogement.grievances.models import GrievanceCategory, GrievanceChannel
from relogement.permissions.predicates import NAMED_DATA_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def responsible_candidates(household):
    """Organisations that act on the household: its project's commune, office and partners, its social
    provider, its building's landlord."""
    return (
        Organisation.objects.filter(
            Q(projects=household.project_id)
            | Q(pk=household.social_provider_id)
            | Q(pk=household.building.landlord_id if household.building_id else None),
            kind__in=NAMED_DATA_KINDS,
        )
        .distinct()
        .order_by("name")
    )


class GrievanceForm(forms.Form):
    category = forms.ChoiceField(label="Objet", choices=[("", "—"), *GrievanceCategory.choices])
    channel = forms.ChoiceField(label="Canal de réception", choices=[("", "—"), *GrievanceChannel.choices])
    received_on = forms.DateField(label="Reçue le", widget=DATE)
    responsible = forms.ModelChoiceField(
        label="Organisation responsable de la réponse", queryset=Organisation.objects.none()
    )
    description = forms.CharField(
        label="Exposé de la réclamation",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lu par l'organisation responsable, celle qui enregistre, le bureau d'étude et la commune.",
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_candidates(household)


class TransitionForm(forms.Form):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CloseForm(forms.Form):
    outcome = forms.CharField(label="Réponse apportée au ménage", widget=forms.Textarea(attrs={"rows": 3}))
    household_agrees = forms.ChoiceField(
        label="Le ménage est-il d'accord avec la réponse ?",
        choices=[("", "—"), ("oui", "Oui"), ("non", "Non")],
    )
    closed_on = forms.DateField(label="Clôturée le", widget=DATE)

    def agrees(self) -> bool:
        return self.cleaned_data["household_agrees"] == "oui"


class FilterForm(forms.Form):
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[
            ("", "Tous"),  # « État : Tous », as « Objet : Tous »
            ("ouvertes", "Ouvertes"),
            ("en_retard", "En retard"),
            ("closes", "Clôturées"),
        ],
    )
    objet = forms.ChoiceField(
        label="Objet", required=False, choices=[("", "Tous"), *GrievanceCategory.choices]
    )
