"""The upload form. It checks what it can show next to each field (kind, title, the file read by its
content); the service checks everything again before writing (documents.services)."""

from __future__ import annotations

from django import forms

from relogement.documents import detection, services
from relogement.documents.kinds import KIND_AUDIENCE, DocumentKind

ACCEPT = ",".join(
    [t.content_type for t in detection.ALLOWED] + [ext for t in detection.ALLOWED for ext in t.extensions]
)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Type de document")
    title = forms.CharField(
        label="Intitulé",
        max_length=200,
        help_text="Par exemple « Avis d'imposition 2025 ». Visible de ceux qui voient le document.",
    )
    file = forms.FileField(label="Fichier")

    def __init__(self, *args, kinds: list[str], **kwargs):
        # The form is swapped into the household file, beside other sections' forms that also have a
        # "kind" field (the contact journal's): with Django's default ids the label « Type de document »
        # pointed at the journal's select. Own ids; the field names (the POST) are unchanged.
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)
        labels = dict(DocumentKind.choices)
        self.fields["kind"].choices = [("", "---------")] + [
            (kind, f"{labels[kind]} — visible : {KIND_AUDIENCE[kind]}") for kind in kinds
        ]
        self.fields["file"].help_text = (
            f"PDF, JPEG ou PNG, {services.size_label(services.max_bytes())} au plus. "
            "Le type est vérifié d'après le contenu du fichier, pas d'après son nom."
        )
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.fields["kind"].error_messages["invalid_choice"] = (
            "Choisissez un type de document que votre organisation peut déposer."
        )
        self.fields["kind"].error_messages["required"] = "Choisissez le type du document."
        self.fields["title"].error_messages["required"] = "L'intitulé du document est obligatoire."
        self.fields["file"].error_messages.update(
            required="Choisissez un fichier.",
            empty="Le fichier est vide.",
            invalid="Aucun fichier reçu : vérifiez le formulaire.",
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            services.check_file(upload)
        except services.DocumentRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload
