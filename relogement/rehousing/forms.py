"""The direct rehousing form: a move found outside the pooled offers, entered with its destination."""

from django import forms

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.offers.forms import BootstrapMixin, DateInput
from relogement.projects.models import DwellingType
from relogement.rehousing.models import HousingStock, RehousingKind
from relogement.rehousing.services import DIRECT_FIELDS
from relogement.territory.models import Commune

_QPV = [("", "Inconnu"), ("oui", "Oui"), ("non", "Non")]


class DirectRehousingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="Nature du relogement", choices=RehousingKind.choices)
    move_in_date = forms.DateField(label="Date d'emménagement", widget=DateInput())
    housing_stock = forms.ChoiceField(
        label="Parc", choices=HousingStock.choices, initial=HousingStock.PRIVATE
    )
    landlord = forms.ModelChoiceField(
        label="Bailleur social",
        queryset=Organisation.objects.filter(kind=OrganisationKind.LANDLORD).order_by("name"),
        required=False,
    )
    landlord_name = forms.CharField(
        label="Bailleur ou propriétaire (texte)",
        max_length=200,
        required=False,
        help_text="Parc privé, structure, bailleur absent de la liste.",
    )
    commune = forms.ModelChoiceField(label="Commune", queryset=Commune.objects.order_by("name"))
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    in_qpv = forms.ChoiceField(label="En QPV", choices=_QPV, required=False)
    commissioning_date = forms.DateField(
        label="Date de mise en service ou de conventionnement", required=False, widget=DateInput()
    )
    dwelling_type = forms.ChoiceField(
        label="Typologie", choices=[("", "Inconnue")] + list(DwellingType.choices), required=False
    )
    living_area = forms.DecimalField(label="Surface (m²)", required=False, decimal_places=2, max_digits=6)
    rent = forms.DecimalField(label="Loyer mensuel (€)", required=False, decimal_places=2, max_digits=8)
    charges = forms.DecimalField(
        label="Charges mensuelles (€)", required=False, decimal_places=2, max_digits=8
    )
    apl = forms.DecimalField(label="APL mensuelle (€)", required=False, decimal_places=2, max_digits=8)
    rls = forms.DecimalField(label="RLS mensuelle (€)", required=False, decimal_places=2, max_digits=8)
    reason = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, RehousingKind(k).label) for k in kinds]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        out = {name: data.get(name) for name in DIRECT_FIELDS}
        out["in_qpv"] = {"oui": True, "non": False}.get(data.get("in_qpv") or "")
        out.update(kind=data["kind"], move_in_date=data["move_in_date"], reason=data.get("reason") or "")
        return out
