from django import forms

from relogement.matching import registry
from relogement.matching.services import MAX_WEIGHT


class WeightsForm(forms.Form):
    """One weight per scored criterion, plus the under-occupation option."""

    under_occupation_hard = forms.BooleanField(
        label="Sous-occupation bloquante (exclure les logements sous-occupés au lieu de les pénaliser)",
        required=False,
    )

    def __init__(self, *args, project=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if project is not None:
            initial = {**{f"w_{k}": v for k, v in registry.weights_for(project).items()}, **initial}
            initial.setdefault(
                "under_occupation_hard", registry.options_for(project)["under_occupation_hard"]
            )
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in registry.scored_criteria():
            self.fields[f"w_{criterion.id}"] = forms.DecimalField(
                label=criterion.label,
                help_text=criterion.rule,
                min_value=0,
                max_value=MAX_WEIGHT,
                max_digits=6,
                decimal_places=2,
                error_messages={
                    "required": "Indiquez un poids (0 pour ignorer le critère).",
                    "invalid": "Le poids doit être un nombre.",
                    "min_value": "Le poids doit être positif ou nul.",
                    "max_value": f"Le poids ne peut dépasser {MAX_WEIGHT}.",
                },
            )
        self.order_fields([f"w_{c.id}" for c in registry.scored_criteria()] + ["under_occupation_hard"])

    def clean(self):
        data = super().clean()
        weights = [data.get(f"w_{c.id}") for c in registry.scored_criteria()]
        if all(w is not None for w in weights) and not any(w > 0 for w in weights):
            raise forms.ValidationError("Au moins un critère doit avoir un poids strictement positif.")
        return data

    def weight_fields(self):
        return [self[f"w_{c.id}"] for c in registry.scored_criteria()]

    def weights(self) -> dict[str, float]:
        return {c.id: float(self.cleaned_data[f"w_{c.id}"]) for c in registry.scored_criteria()}

    def options(self) -> dict[str, bool]:
        return {"under_occupation_hard": bool(self.cleaned_data.get("under_occupation_hard"))}
