"""The simulator form: a composition, an income, a commune and a rent, typed by a social worker."""

import csv
from decimal import Decimal

from django import forms
from django.conf import settings

from relogement.benefits import engine
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError
from relogement.territory.models import Commune


def commune_choices() -> list[tuple[str, str]]:
    """Communes of the referential; the shared zoning file while the referential is not loaded."""
    communes = list(Commune.objects.order_by("name").values_list("insee_code", "name"))
    if not communes:
        with open(
            settings.REFERENCE_DATA_DIR / "mel_zonages_logement.csv", encoding="utf-8", newline=""
        ) as handle:
            communes = sorted(
                ((row["insee_code"], row["nom"]) for row in csv.DictReader(handle)), key=lambda c: c[1]
            )
    return [("", "Choisir une commune")] + [(code, f"{name} ({code})") for code, name in communes]


class SimulatorForm(forms.Form):
    adults = forms.IntegerField(label="Adultes", min_value=1, max_value=engine.MAX_ADULTS, initial=1)
    children = forms.IntegerField(
        label="Enfants à charge", min_value=0, max_value=engine.MAX_CHILDREN, initial=0
    )
    taxable_income = forms.DecimalField(
        label="Revenu imposable mensuel (€)",
        min_value=Decimal("0"),
        max_value=engine.MAX_AMOUNT,
        decimal_places=2,
        help_text="Moyenne mensuelle des revenus imposables des douze derniers mois "
        "(salaires, retraites, allocations chômage ; ni RSA ni prestations familiales).",
    )
    commune = forms.ChoiceField(label="Commune du logement")
    rent = forms.DecimalField(
        label="Loyer mensuel hors charges (€)",
        min_value=Decimal("0"),
        max_value=engine.MAX_AMOUNT,
        decimal_places=2,
    )
    charges = forms.DecimalField(
        label="Charges mensuelles (€)",
        min_value=Decimal("0"),
        max_value=engine.MAX_AMOUNT,
        decimal_places=2,
        required=False,
        initial=Decimal("0"),
        help_text="Elles s'ajoutent au reste à charge ; l'aide retient un forfait de charges.",
    )
    social_housing = forms.BooleanField(
        label="Logement social conventionné (APL et RLS)",
        required=False,
        initial=True,
        help_text="Décoché : logement privé (allocation de logement, sans RLS).",
    )
    month = forms.CharField(
        label="Mois de calcul",
        required=False,
        max_length=7,
        help_text=f"Format AAAA-MM ; {engine.DEFAULT_MONTH:%Y-%m} (derniers barèmes connus) si vide.",
        widget=forms.TextInput(attrs={"placeholder": "AAAA-MM", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = commune_choices()
        for name, field in self.fields.items():
            css = "form-check-input" if name == "social_housing" else "form-control"
            if name == "commune":
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_aide"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        if not text:
            return engine.DEFAULT_MONTH
        try:
            return engine.parse_month(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean_charges(self):
        return self.cleaned_data["charges"] or Decimal("0")

    def profile(self) -> engine.HouseholdProfile:
        data = self.cleaned_data
        return engine.HouseholdProfile.simple(data["adults"], data["children"], data["taxable_income"])

    def stock(self) -> str:
        return StockKind.SOCIAL if self.cleaned_data["social_housing"] else StockKind.PRIVATE_UNFURNISHED
