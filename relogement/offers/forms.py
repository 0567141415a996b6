"""Forms of the offers journey: they parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from relogement.offers.models import CommissionDecision, Financing, HousingOffer, OfferStatus, RefusalReason
from relogement.offers.services import OFFER_FIELDS
from relogement.projects.models import DwellingType
from relogement.rehousing.models import HousingStock, RehousingKind
from relogement.territory.models import Commune

TRI_STATE = [("", "Calcul automatique"), ("oui", "Oui"), ("non", "Non")]


def _tri(value: str):
    return {"oui": True, "non": False}.get(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BootstrapMixin:
    """Bootstrap classes and a readable empty choice on every field, once the form's fields exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            # Django's "---------" says nothing to a screen-reader user nor to anyone else.
            if getattr(field, "empty_label", None) == "---------":
                field.empty_label = "Choisir…"
            choices = getattr(field, "choices", None)
            if isinstance(field, forms.TypedChoiceField) and choices and choices[0] == ("", "---------"):
                field.choices = [("", "Choisir…")] + list(choices[1:])
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class OfferForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = HousingOffer
        fields = OFFER_FIELDS
        widgets = {"commissioning_date": DateInput(), "available_from": DateInput()}

    # Checked here too (the service stays the rule) so that the message sits on the wrong field.
    FIELD_MINIMUMS = {
        "rent": (0, "Le loyer ne peut pas être négatif."),
        "charges": (0, "Les charges ne peuvent pas être négatives."),
        "living_area": (Decimal("0.01"), "La surface habitable doit être positive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        for name, (minimum, message) in self.FIELD_MINIMUMS.items():
            self.fields[name].validators.append(MinValueValidator(minimum, message=message))


class OfferFilterForm(BootstrapMixin, forms.Form):
    commune = forms.ModelChoiceField(
        Commune.objects.order_by("name"), required=False, label="Commune", empty_label="Toutes"
    )
    dwelling_type = forms.ChoiceField(
        choices=[("", "Toutes")] + list(DwellingType.choices), required=False, label="Typologie"
    )
    status = forms.ChoiceField(
        choices=[("", "Tous")] + list(OfferStatus.choices), required=False, label="Statut"
    )
    qpv = forms.ChoiceField(
        choices=[("", "Indifférent"), ("oui", "En QPV"), ("non", "Hors QPV")], required=False, label="QPV"
    )
    financing = forms.ChoiceField(
        choices=[("", "Tous")] + list(Financing.choices), required=False, label="Financement"
    )
    available_by = forms.DateField(required=False, label="Disponible d'ici le", widget=DateInput())
    mine = forms.BooleanField(required=False, label="Mes offres seulement")

    def __init__(self, *args, landlord=None, **kwargs):
        """``landlord``: the organisation of a landlord user (its own offers among those it sees);
        the other roles have no « mine » filter."""
        super().__init__(*args, **kwargs)
        self.landlord = landlord
        if landlord is None:
            del self.fields["mine"]
        # The queryset's options (``Commune.__str__``) from one plain query of three columns: the field
        # would iterate the queryset through a server-side cursor (three round trips) and decode every
        # commune's JSON fields; for the 95 communes of the metropolis the form took 15 ms, now 6.5 ms.
        self.fields["commune"].choices = [("", "Toutes")] + [
            (pk, f"{name} ({code})")
            for pk, name, code in Commune.objects.order_by("name").values_list("pk", "name", "insee_code")
        ]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("mine") and self.landlord is not None:
            queryset = queryset.filter(landlord=self.landlord)
        if data["commune"]:
            queryset = queryset.filter(commune=data["commune"])
        if data["dwelling_type"]:
            queryset = queryset.filter(dwelling_type=data["dwelling_type"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["qpv"]:
            queryset = queryset.filter(in_qpv=data["qpv"] == "oui")
        if data["financing"]:
            queryset = queryset.filter(financing=data["financing"])
        if data["available_by"]:
            queryset = queryset.filter(available_from__lte=data["available_by"])
        return queryset


class PositionForm(BootstrapMixin, forms.Form):
    """The household chosen on the positioning page (radio buttons of the ranked list, or the link of a
    ranked page), and the confirmation asked when the offer contradicts the household's wishes."""

    household = forms.ModelChoiceField(
        queryset=None,
        label="Ménage à positionner",
        error_messages={
            "required": "Choisissez le ménage à positionner.",
            "invalid_choice": "Ce ménage ne peut pas être positionné sur cette offre (hors de votre "
            "périmètre, déjà positionné ou pas en recherche).",
        },
    )
    wishes_confirmed = forms.BooleanField(
        label="Je confirme ce positionnement malgré les souhaits non respectés", required=False
    )
    wishes_reason = forms.CharField(
        label="Motif du positionnement contraire aux souhaits",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households

    def clean_wishes_reason(self):
        return " ".join(self.cleaned_data.get("wishes_reason", "").split())


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Motif", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NotifyForm(BootstrapMixin, forms.Form):
    notified_date = forms.DateField(label="Date de notification", widget=DateInput())
    visit_date = forms.DateField(label="Date de visite", required=False, widget=DateInput())
    answer_deadline = forms.DateField(label="Date limite de réponse", required=False, widget=DateInput())
    is_compliant = forms.ChoiceField(
        label="Offre conforme (besoins et possibilités du ménage)",
        choices=[("", "Selon le contrôle proposé"), ("oui", "Oui"), ("non", "Non")],
        required=False,
    )
    compliance_note = forms.CharField(
        label="Justification (laisser vide pour le contrôle proposé)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["is_compliant"] = _tri(data["is_compliant"])
        return data


class ComplianceForm(BootstrapMixin, forms.Form):
    is_compliant = forms.ChoiceField(label="Offre conforme", choices=[("oui", "Oui"), ("non", "Non")])
    note = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self):
        return {"is_compliant": self.cleaned_data["is_compliant"] == "oui", "note": self.cleaned_data["note"]}


class AcceptForm(BootstrapMixin, forms.Form):
    answer_date = forms.DateField(label="Date de réponse du ménage", widget=DateInput())


class RefuseForm(BootstrapMixin, forms.Form):
    answer_date = forms.DateField(label="Date de réponse du ménage", widget=DateInput())
    # Required here so that the message sits on the field; the service checks it too.
    refusal_reason = forms.ModelChoiceField(
        RefusalReason.objects.filter(active=True).in_display_order(),
        label="Motif de refus",
        empty_label="Choisir un motif…",
        error_messages={"required": "Un refus doit être motivé : choisissez un motif de refus."},
    )
    comment = forms.CharField(label="Précision (facultative)", required=False, max_length=200)


class CommissionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=CommissionDecision.choices)
    commission_date = forms.DateField(label="Date de la CALEOL", widget=DateInput())
    reason = forms.CharField(
        label="Motif (obligatoire pour un refus)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeaseForm(BootstrapMixin, forms.Form):
    lease_date = forms.DateField(label="Date de signature du bail", widget=DateInput())


class MoveInForm(BootstrapMixin, forms.Form):
    move_in_date = forms.DateField(label="Date d'emménagement", widget=DateInput())
    kind = forms.ChoiceField(label="Nature du relogement", choices=RehousingKind.choices)
    housing_stock = forms.ChoiceField(label="Parc", choices=HousingStock.choices, initial=HousingStock.SOCIAL)
    apl = forms.DecimalField(label="APL mensuelle (€)", required=False, min_value=0, decimal_places=2)
    rls = forms.DecimalField(label="RLS mensuelle (€)", required=False, min_value=0, decimal_places=2)
    rent_reduction_payment = forms.ChoiceField(
        label="Indemnité ANRU pour minoration de loyer", choices=TRI_STATE, required=False
    )

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["rent_reduction_payment"] = _tri(data["rent_reduction_payment"])
        return data


class RehousingTermsForm(BootstrapMixin, forms.Form):
    apl = forms.DecimalField(label="APL mensuelle (€)", required=False, min_value=0, decimal_places=2)
    rls = forms.DecimalField(label="RLS mensuelle (€)", required=False, min_value=0, decimal_places=2)
    rent_reduction_payment = forms.ChoiceField(
        label="Indemnité ANRU pour minoration de loyer",
        choices=[("", "Inconnu"), ("oui", "Oui"), ("non", "Non")],
        required=False,
    )
    note = forms.CharField(
        label="Justification de l'indemnité ANRU", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["rent_reduction_payment"] = _tri(data["rent_reduction_payment"])
        return data
