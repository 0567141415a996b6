"""Forms of the census page (« Recenser un ménage »). They parse input; households.census decides."""

from __future__ import annotations

from django import forms

from relogement.households import sne
from relogement.households.census import MemberInput, NewDwelling
from relogement.households.forms import DateInput, bootstrapify
from relogement.households.models import EmploymentSituation, OccupancyStatus, Relation, ResourceKind
from relogement.projects.models import DwellingType

MEMBER_ROWS = 6
MONEY = {"required": False, "max_digits": 8, "decimal_places": 2}


class CensusMemberForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=100)
    first_name = forms.CharField(label="Prénom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", required=False, widget=DateInput())
    relation = forms.ChoiceField(
        label="Lien avec la personne de référence", choices=[("", "—")] + list(Relation.choices)
    )
    employment = forms.ChoiceField(
        label="Situation professionnelle",
        choices=[("", "—")] + list(EmploymentSituation.choices),
        required=False,
    )

    def member(self) -> MemberInput:
        data = self.cleaned_data
        return MemberInput(
            first_name=data["first_name"],
            last_name=data["last_name"],
            relation=data["relation"],
            birth_date=data["birth_date"],
            employment=data["employment"],
        )


# The first row (the reference person) must be filled; the other rows are optional (an untouched row
# is skipped).
CensusMemberFormSet = forms.formset_factory(
    CensusMemberForm, extra=MEMBER_ROWS - 1, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class CensusForm(forms.Form):
    reference = forms.CharField(
        label="Référence du ménage", max_length=60, help_text="Unique dans le projet, p. ex. CONC-042."
    )
    census_date = forms.DateField(label="Date de recensement", widget=DateInput())
    new_dwelling_reference = forms.CharField(
        label="Nouveau logement : référence", max_length=100, required=False
    )
    new_dwelling_type = forms.ChoiceField(
        label="Nouveau logement : typologie", choices=[("", "—")] + list(DwellingType.choices), required=False
    )
    new_dwelling_living_area = forms.DecimalField(
        label="Nouveau logement : surface habitable (m²)", required=False, max_digits=6, decimal_places=2
    )
    new_dwelling_floor = forms.IntegerField(label="Nouveau logement : étage", required=False)
    new_dwelling_has_lift = forms.BooleanField(label="Nouveau logement : ascenseur", required=False)
    tenancy_start = forms.DateField(
        label="Date d'entrée dans le logement", required=False, widget=DateInput()
    )
    rent_before = forms.DecimalField(label="Loyer avant (€ par mois)", **MONEY)
    charges_before = forms.DecimalField(label="Charges avant (€ par mois)", **MONEY)
    apl_before = forms.DecimalField(label="APL avant (€ par mois)", **MONEY)
    rls_before = forms.DecimalField(label="RLS avant (€ par mois)", **MONEY)
    sne_number = forms.CharField(
        label="Numéro unique SNE", max_length=40, required=False, help_text=sne.FORMAT_HELP
    )
    occupancy_status = forms.ChoiceField(
        label="Statut d'occupation",
        choices=OccupancyStatus.choices,
        help_text="Décide de la règle d'offres applicable (CCH L.442-6 ou C. urb. L.314-2).",
    )
    not_duplicate = forms.BooleanField(
        label="Ce n'est pas un doublon",
        required=False,
        help_text="À cocher après avoir vérifié les dossiers semblables affichés.",
    )

    def __init__(self, *args, dwellings=None, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_dwelling"] = forms.ModelChoiceField(
            label="Logement d'origine",
            queryset=dwellings,
            required=False,
            empty_label="— Nouveau logement (à décrire ci-dessous) —",
            help_text="Un logement du bâtiment, ou laissez vide et décrivez le nouveau logement.",
        )
        self.fields["social_provider"] = forms.ModelChoiceField(
            label="Prestataire social",
            queryset=providers,
            empty_label="—",
            error_messages={
                "required": "Choisissez le prestataire social du ménage.",
                "invalid_choice": "Choisissez un prestataire social du projet dans la liste.",
            },
        )
        for kind, label in ResourceKind.choices:
            self.fields[f"amount_{kind}"] = forms.DecimalField(
                label=f"{label} (€ par mois)", required=False, max_digits=9, decimal_places=2
            )
        # Fields in the page's order: the dwelling first, then the before-situation.
        order = ["reference", "census_date", "social_provider", "origin_dwelling"]
        self.order_fields(order)

    def resources(self) -> dict:
        return {kind: self.cleaned_data.get(f"amount_{kind}") for kind in ResourceKind.values}

    def resource_fields(self):
        return [self[f"amount_{kind}"] for kind in ResourceKind.values]

    def new_dwelling(self) -> NewDwelling | None:
        data = self.cleaned_data
        described = [
            data.get("new_dwelling_reference"),
            data.get("new_dwelling_type"),
            data.get("new_dwelling_living_area"),
            data.get("new_dwelling_floor"),
        ]
        if not any(value not in (None, "") for value in described):
            return None
        return NewDwelling(
            reference=data.get("new_dwelling_reference") or "",
            dwelling_type=data.get("new_dwelling_type") or "",
            living_area=data.get("new_dwelling_living_area"),
            floor=data.get("new_dwelling_floor"),
            has_lift=bool(data.get("new_dwelling_has_lift")),
        )


def census_forms(data=None, *, dwellings, providers, initial=None):
    """The page's form and its members' formset, Bootstrap-classed."""
    form = bootstrapify(CensusForm(data, dwellings=dwellings, providers=providers, initial=initial))
    formset = CensusMemberFormSet(data, prefix="members")
    if data is None:
        # The first row is the reference person's.
        formset.forms[0].fields["relation"].initial = Relation.REFERENCE
    for member_form in formset.forms:
        bootstrapify(member_form)
    return form, formset


def filled_members(formset) -> list[tuple[int, MemberInput]]:
    """(row index, member) of the rows that were filled in (an untouched extra row is skipped)."""
    return [(index, form.member()) for index, form in enumerate(formset.forms) if form.cleaned_data]
