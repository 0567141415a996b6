"""Forms of the project pages. They parse input; projects.services decides (French messages)."""

from __future__ import annotations

from django import forms

from relogement.households.forms import DateInput, bootstrapify
from relogement.projects.models import OperationKind


class BuildingForm(forms.Form):
    reference = forms.CharField(label="Référence du bâtiment", max_length=100)
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    private_owner = forms.CharField(
        label="Ou propriétaire (parc privé)",
        max_length=250,
        required=False,
        help_text="Propriétaire, bailleur privé ou syndicat de copropriété, quand le bâtiment n'a pas "
        "de bailleur social (RHI, OPAH, copropriété dégradée).",
    )
    dwellings_count = forms.IntegerField(label="Nombre de logements")
    planned_demolition_date = forms.DateField(
        label="Date de démolition prévue", required=False, widget=DateInput()
    )
    new_operation_name = forms.CharField(label="Ou nouvelle opération : nom", max_length=200, required=False)
    new_operation_kind = forms.ChoiceField(
        label="Nouvelle opération : nature", choices=OperationKind.choices, required=False
    )

    def __init__(self, *args, operations=None, communes=None, landlords=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"] = forms.ModelChoiceField(
            label="Opération", queryset=operations, required=False, empty_label="—"
        )
        self.fields["commune"] = forms.ModelChoiceField(
            label="Commune",
            queryset=communes,
            empty_label="—",
            error_messages={"required": "Choisissez la commune du bâtiment."},
        )
        self.fields["landlord"] = forms.ModelChoiceField(
            label="Bailleur social", queryset=landlords, required=False, empty_label="—"
        )
        self.order_fields(["reference", "address", "commune", "landlord", "private_owner", "dwellings_count"])
        bootstrapify(self)
