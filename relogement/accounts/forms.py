from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from relogement.accounts.models import SecurityEventKind


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=32, error_messages={"required": "Saisissez le code."})


DATE_ERROR = "Date invalide (attendu : JJ/MM/AAAA)."


class SecurityLogFilterForm(forms.Form):
    """Filters of the security log; invalid values are reported in French and ignored."""

    kind = forms.ChoiceField(
        label="Événement",
        required=False,
        choices=[("", "Tous")] + list(SecurityEventKind.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label="Identifiant ou adresse IP",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    since = forms.DateField(
        label="Du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    until = forms.DateField(
        label="Au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )

    def full_clean(self):
        super().full_clean()
        # Each error is announced with its field (the template renders it under this id).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-erreurs"}
                )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "La date de fin précède la date de début.")
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the password rules' errors under the new password, where the user typed it
    (Django puts them under the confirmation)."""

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("new_password1", error)
