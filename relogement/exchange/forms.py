from pathlib import Path

from django import forms

from relogement.exchange.exporter import FORMATS

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier de suivi",
        help_text="Classeur .xlsx ou .ods (feuilles menages et propositions), fichier menages.csv, "
        "ou archive .zip contenant menages.csv et propositions.csv.",
    )
    propositions = forms.FileField(
        label="Fichier propositions.csv (facultatif)",
        required=False,
        help_text="Seulement si le fichier principal est menages.csv.",
    )
    dry_run = forms.BooleanField(
        label="Simulation : vérifier le fichier sans rien enregistrer", required=False
    )

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".ods", ".csv", ".zip"):
            raise forms.ValidationError(
                "Format non reconnu : choisissez un fichier .xlsx, .ods, .csv ou .zip."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Fichier trop volumineux (100 Mo au plus).")
        return upload

    def clean(self):
        data = super().clean()
        extra, main = data.get("propositions"), data.get("fichier")
        if extra is not None and main is not None:
            if Path(main.name).suffix.lower() != ".csv" or Path(extra.name).suffix.lower() != ".csv":
                self.add_error(
                    "propositions", "Le fichier des propositions accompagne un fichier menages.csv."
                )
        return data


class ExportForm(forms.Form):
    projet = forms.ModelChoiceField(
        label="Périmètre", queryset=None, required=False, empty_label="Tout mon périmètre"
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[
            (
                f,
                {
                    "xlsx": "Classeur Excel (.xlsx)",
                    "ods": "Classeur OpenDocument (.ods)",
                    "csv": "CSV (archive .zip)",
                }[f],
            )
            for f in FORMATS
        ],
        initial="xlsx",
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projet"].queryset = projects
