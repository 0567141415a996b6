from django import forms

from relogement.duplicates.models import DecisionKind


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choisissez une décision.", "invalid_choice": "Choisissez une décision."},
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"max_length": "Le commentaire est limité à 1 000 caractères."},
    )


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={
            "required": "Indiquez le motif de l'annulation.",
            "max_length": "Le motif est limité à 1 000 caractères.",
        },
    )
