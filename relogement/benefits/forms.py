"""The simulator form: a household (simply, or adult by adult), a commune and a dwelling, typed by a
social worker. Field names are the CSV columns of ``simulate_rent`` (``benefits.cases``)."""

import csv
from decimal import Decimal

from django import forms
from django.conf import settings

from relogement.benefits import cases, engine
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError
from relogement.territory.models import Commune

# The page describes up to this many adults one by one (the command and CSV files: engine.MAX_ADULTS).
PAGE_ADULTS = 5
SITUATION_CHOICES = [
    ("", "Non renseignée"),
    ("salarie", "Salarié(e)"),
    ("independant", "Indépendant(e)"),
    ("demandeur_emploi", "Demandeur d'emploi"),
    ("retraite", "Retraité(e)"),
    ("etudiant", "Étudiant(e)"),
    ("inactif", "Sans activité"),
    ("conge_parental", "En congé parental"),
    ("handicap", "En situation de handicap (AAH, invalidité)"),
    ("autre", "Autre"),
]
ROLE_CHOICES = [("", "Par défaut"), ("conjoint", "Conjoint(e) du premier adulte"), ("autre", "Autre adulte")]


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


def _amount(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=engine.MAX_AMOUNT,
        decimal_places=2,
        required=False,
        **kwargs,
    )


class SimulatorForm(forms.Form):
    adults = forms.IntegerField(
        label="Adultes",
        min_value=1,
        max_value=engine.MAX_ADULTS,
        required=False,
        initial=1,
        help_text="Inutile si les adultes sont décrits un par un.",
    )
    children = forms.IntegerField(
        label="Enfants à charge", min_value=0, max_value=engine.MAX_CHILDREN, initial=0, required=False
    )
    children_ages = forms.CharField(
        label="Âges des enfants",
        required=False,
        max_length=80,
        help_text="Séparés par des espaces, par exemple « 3 8 » ; 8 ans chacun si vide.",
    )
    taxable_income = _amount(
        "Revenu imposable mensuel du ménage (€)",
        help_text="Moyenne mensuelle des revenus imposables des douze derniers mois, déclarés par le premier "
        "adulte (salaires) ; laisser vide pour décrire les adultes un par un.",
    )
    rsa = _amount(
        "RSA perçu (€ par mois)",
        help_text="Il n'est pas compté dans les ressources, mais neutralise les revenus d'activité.",
    )
    commune = forms.ChoiceField(label="Commune du logement")
    rent = forms.DecimalField(
        label="Loyer mensuel hors charges (€)",
        min_value=Decimal("0"),
        max_value=engine.MAX_AMOUNT,
        decimal_places=2,
    )
    charges = _amount(
        "Charges mensuelles (€)",
        initial=Decimal("0"),
        help_text="Elles s'ajoutent au reste à charge ; l'aide retient un forfait de charges (en foyer, la redevance les comprend).",
    )
    stock = forms.ChoiceField(
        label="Type de logement",
        choices=StockKind.choices,
        initial=StockKind.SOCIAL,
        help_text="APL et RLS en logement social conventionné ; allocation de logement sans RLS dans le parc privé.",
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
        for number in range(1, PAGE_ADULTS + 1):
            label = f"Adulte {number}"
            if number > 1:
                self.fields[f"adult{number}_role"] = forms.ChoiceField(
                    label=f"{label} : rôle", choices=ROLE_CHOICES, required=False
                )
            self.fields[f"adult{number}_age"] = forms.IntegerField(
                label=f"{label} : âge", min_value=16, max_value=120, required=False
            )
            self.fields[f"adult{number}_situation"] = forms.ChoiceField(
                label=f"{label} : situation", choices=SITUATION_CHOICES, required=False
            )
            for name, income in cases.INCOME_FIELDS.items():
                self.fields[f"adult{number}_{name}"] = _amount(f"{label} : {income.lower()} (€ par mois)")
        self.fields["commune"].choices = commune_choices()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_aide"

    def adult_fields(self):
        """The bound fields of each adult, for the template."""
        return [
            (number, [self[name] for name in self.fields if name.startswith(f"adult{number}_")])
            for number in range(1, PAGE_ADULTS + 1)
        ]

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

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {name: "" if value is None else str(value) for name, value in data.items()}
        children = data.get("children") or 0
        try:
            detail = cases.parse_detail(values)
            ages = cases.parse_ages(data.get("children_ages"), children)
            adults = data.get("adults")
            if detail is None and adults is None:
                adults = 1
            self._profile = cases.build_profile(
                adults=adults,
                taxable_income=data.get("taxable_income"),
                detail=detail,
                children=children,
                children_ages=ages,
                rsa=data.get("rsa") or Decimal("0"),
            )
            engine.check_profile(self._profile)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return data

    def profile(self) -> engine.HouseholdProfile:
        return self._profile
