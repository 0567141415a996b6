from django import forms

from relogement.followup.models import Satisfaction

YES_NO = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]
SATISFACTION = [("", "Non renseigné"), *Satisfaction.choices]


def _bool(value: str):
    return {"oui": True, "non": False}.get(value)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label="Date du suivi", widget=forms.DateInput(attrs={"type": "date"}))
    information_received = forms.ChoiceField(
        label="Le ménage a-t-il reçu une information suffisante ?", choices=YES_NO, required=False
    )
    contact_person_known = forms.ChoiceField(
        label="Le ménage connaît-il son interlocuteur ?", choices=YES_NO, required=False
    )
    support_satisfaction = forms.ChoiceField(
        label="Satisfaction de l'accompagnement", choices=SATISFACTION, required=False
    )
    home_satisfaction = forms.ChoiceField(
        label="Satisfaction du nouveau logement", choices=SATISFACTION, required=False
    )
    works_needed = forms.ChoiceField(
        label="Des travaux sont-ils nécessaires ?", choices=YES_NO, required=False
    )
    works_note = forms.CharField(
        label="Travaux : précisions", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rent_arrears = forms.ChoiceField(label="Impayés de loyer", choices=YES_NO, required=False)
    adaptation_note = forms.CharField(
        label="Adaptation au nouveau logement et au quartier",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    BOOLEAN_FIELDS = ("information_received", "contact_person_known", "works_needed", "rent_arrears")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in self.BOOLEAN_FIELDS:
            data[name] = _bool(data[name])
        return data

    @classmethod
    def initial_from(cls, followup) -> dict:
        if followup is None:
            return {}
        initial = {name: getattr(followup, name) for name in cls.base_fields}
        for name in cls.BOOLEAN_FIELDS:
            value = getattr(followup, name)
            initial[name] = "" if value is None else ("oui" if value else "non")
        return initial
