"""Forms of the household pages. They parse input; the services decide (French DomainError)."""

from __future__ import annotations

import functools

from django import forms
from django.forms.models import fields_for_model
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from relogement.core.formatting import format_euros
from relogement.households.models import (
    AgeWish,
    EmploymentSituation,
    Household,
    HousingKindWish,
    Relation,
    ResourceKind,
    SupportEntryKind,
    SupportLevel,
)
from relogement.households.selectors import NEEDS, sorts_for
from relogement.households.splits import SPLIT_STATUSES
from relogement.households.statuses import ExitReason, HouseholdStatus
from relogement.projects.models import DwellingType

WISHED_LOCATIONS = 5


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _formfield(model_field, **kwargs):
    field = model_field.formfield(**kwargs)
    if isinstance(field, forms.DateField):
        field.widget = DateInput()
    return field


class VersionedForm(forms.Form):
    """Carries the version of the file the edit is based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Sections of the household row edited in place: key → (title, fields, visibility flag to edit).
SECTIONS: dict[str, tuple[str, list[str], str]] = {
    "composition": (
        "Composition",
        ["reference_name", "household_type", "adults_count", "children_count"],
        "edit_household",
    ),
    "dossier": ("Dossier", ["sne_number", "information_notice_date"], "edit_household"),
    "logement": (
        "Logement d'origine",
        [
            "origin_dwelling_type",
            "origin_living_area",
            "origin_floor",
            "rent_before",
            "charges_before",
            "apl_before",
            "rls_before",
            "tenancy_start",
        ],
        "edit_household",
    ),
    "besoins": (
        "Besoins spécifiques",
        [
            "reduced_mobility",
            "needs_ground_floor_or_lift",
            "large_family",
            "has_pets",
            "specially_designed_dwelling",
        ],
        "edit_household",
    ),
    "sante": ("Contraintes de santé (note sensible)", ["health_note"], "edit_social"),
}


def section_form_class(section: str, *, has_members: bool = False):
    _, names, _ = SECTIONS[section]
    names = [n for n in names if hasattr(Household, n)]
    fields = fields_for_model(Household, fields=names, formfield_callback=_formfield)
    if has_members:
        for name in ("adults_count", "children_count"):
            if name in fields:
                fields[name].disabled = True
                fields[name].help_text = "Calculé à partir des membres."
    return type(f"{section.title()}SectionForm", (VersionedForm,), dict(fields))


class MemberForm(VersionedForm):
    first_name = forms.CharField(label="Prénom", max_length=100)
    last_name = forms.CharField(label="Nom", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", required=False, widget=DateInput())
    relation = forms.ChoiceField(label="Lien avec la personne de référence", choices=Relation.choices)
    employment = forms.ChoiceField(
        label="Situation professionnelle",
        choices=[("", "—")] + list(EmploymentSituation.choices),
        required=False,
    )


class ResourcesForm(VersionedForm):
    """One amount per kind and, where the user may see member details (``members`` given), the member
    whose income it is: a split moves that member's lines with them (households.splits)."""

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_members = members is not None
        for kind, label in ResourceKind.choices:
            self.fields[f"amount_{kind}"] = forms.DecimalField(
                label=f"{label} (€ par mois)", required=False, max_digits=9, decimal_places=2
            )
            if self.with_members:
                # Members of this household only: any other value is refused next to the field.
                self.fields[f"member_{kind}"] = forms.ModelChoiceField(
                    label=f"Membre concerné ({label})",
                    queryset=members,
                    required=False,
                    empty_label="Ménage (aucun membre en particulier)",
                    error_messages={"invalid_choice": "Choisissez un membre de ce ménage dans la liste."},
                )

    def clean(self):
        data = super().clean()
        if self.with_members:
            for kind, label in ResourceKind.choices:
                if data.get(f"member_{kind}") is not None and not data.get(f"amount_{kind}"):
                    self.add_error(
                        f"member_{kind}",
                        f"Indiquez le montant « {label} » de ce membre, ou laissez « Ménage ».",
                    )
        return data

    def amounts(self) -> dict:
        return {kind: self.cleaned_data.get(f"amount_{kind}") for kind in ResourceKind.values}

    def members(self) -> dict | None:
        """Kind → member (None: the household as a whole); None when the form has no member field."""
        if not self.with_members:
            return None
        return {kind: self.cleaned_data.get(f"member_{kind}") for kind in ResourceKind.values}


class DiagnosisForm(forms.Form):
    date = forms.DateField(label="Date du diagnostic", widget=DateInput())
    findings = forms.CharField(
        label="Constats (note sociale)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusions = forms.CharField(
        label="Conclusions partagées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rent_arrears = forms.BooleanField(label="Dette locative", required=False)
    debts = forms.BooleanField(label="Autres dettes", required=False)
    support_level = forms.ChoiceField(
        label="Niveau d'accompagnement", choices=[("", "—")] + list(SupportLevel.choices), required=False
    )


class WishesForm(VersionedForm):
    dwelling_types = forms.MultipleChoiceField(
        label="Typologies souhaitées",
        choices=DwellingType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    housing_kind = forms.ChoiceField(
        label="Maison ou appartement", choices=HousingKindWish.choices, required=False
    )
    age = forms.ChoiceField(label="Neuf ou ancien", choices=AgeWish.choices, required=False)
    max_floor = forms.IntegerField(label="Étage maximal", required=False)
    needs_lift = forms.BooleanField(label="Ascenseur nécessaire", required=False)
    max_residual_rent = forms.DecimalField(
        label="Reste à charge maximal (€ par mois)", required=False, max_digits=8, decimal_places=2
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        for rank in range(1, WISHED_LOCATIONS + 1):
            self.fields[f"commune_{rank}"] = forms.ModelChoiceField(
                label=f"Commune n° {rank}", queryset=communes, required=False, empty_label="—"
            )
            self.fields[f"neighbourhood_{rank}"] = forms.CharField(
                label=f"Quartier n° {rank}", required=False, max_length=200
            )

    def location_rows(self):
        return [
            (self[f"commune_{rank}"], self[f"neighbourhood_{rank}"])
            for rank in range(1, WISHED_LOCATIONS + 1)
        ]

    def locations(self) -> list[tuple]:
        rows = []
        for rank in range(1, WISHED_LOCATIONS + 1):
            commune = self.cleaned_data.get(f"commune_{rank}")
            if commune is not None:
                rows.append((commune, self.cleaned_data.get(f"neighbourhood_{rank}", "")))
        return rows


class SupportEntryForm(forms.Form):
    kind = forms.ChoiceField(label="Type de contact", choices=SupportEntryKind.choices)
    date = forms.DateField(label="Date", widget=DateInput())
    summary = forms.CharField(label="Résumé", widget=forms.Textarea(attrs={"rows": 3}))


class NextStepForm(forms.Form):
    title = forms.CharField(label="Prochaine étape", max_length=250)
    due_date = forms.DateField(label="Échéance", widget=DateInput())

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = forms.ModelChoiceField(
            label="Chargé(e) de l'étape",
            queryset=assignees,
            required=False,
            empty_label="Référent du ménage",
        )


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    effective_date = forms.DateField(label="Date d'effet", required=False, widget=DateInput())
    reason = forms.CharField(label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    exit_reason = forms.ChoiceField(
        label="Motif de sortie", choices=[("", "—")] + list(ExitReason.choices), required=False
    )


class SplitForm(VersionedForm):
    new_reference = forms.CharField(label="Référence du nouveau ménage", max_length=60)
    effective_date = forms.DateField(label="Date de la décohabitation", widget=DateInput())
    status = forms.ChoiceField(
        label="Statut du nouveau ménage",
        choices=[(s.value, s.label) for s in SPLIT_STATUSES],
    )

    def __init__(self, *args, members=(), resource_lines=None, **kwargs):
        """``resource_lines``: the household's lines, when the user may see resources: each member's
        are named next to them, since a split moves them with the member (households.splits)."""
        super().__init__(*args, **kwargs)
        self.fields["members"] = forms.TypedMultipleChoiceField(
            label="Membres qui quittent le ménage",
            choices=[(m.pk, _leaving_label(m, resource_lines)) for m in members],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )
        if resource_lines is not None:
            self.fields["members"].help_text = (
                "Les ressources attribuées à un membre partent avec lui vers le nouveau ménage ; les "
                "ressources du ménage sans membre désigné restent au ménage d'origine."
            )


def _leaving_label(member, resource_lines) -> str:
    name = f"{member.first_name} {member.last_name}"
    if resource_lines is None:
        return name
    own = [line for line in resource_lines if line.member_id == member.pk]
    if not own:
        return f"{name} (aucune ressource ne part avec ce membre)"
    lines = " ; ".join(f"{line.get_kind_display()} {format_euros(line.monthly_amount)}" for line in own)
    return f"{name} (ressources qui partent avec ce membre : {lines})"


class ProviderReassignForm(VersionedForm):
    """The project office moves the household to another social provider of its project."""

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ModelChoiceField(
            label="Nouveau prestataire social",
            queryset=providers,
            empty_label="—",
            error_messages={
                "required": "Choisissez le nouveau prestataire social.",
                "invalid_choice": "Choisissez un autre prestataire social du projet du ménage dans la liste.",
            },
        )
        self.fields["hand_over_social_file"] = forms.BooleanField(
            label="Transmettre le dossier social (notes, diagnostic, santé) au nouveau prestataire",
            required=False,
            help_text=(
                "Sans transmission, le journal d'accompagnement, les constats des diagnostics et la note de "
                "santé restent au prestataire qui les a rédigés : le nouveau prestataire ne les lit pas."
            ),
        )
        self.fields["reason"] = forms.CharField(
            label="Motif du changement",
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": "Indiquez le motif du changement de prestataire."},
        )


class ListSelect(forms.Select):
    """A select whose options are written in Python rather than through one template per option: the
    list's filters offer every building of the perimeter (1,432 for the metropolis), and rendering them
    option by option took most of the list page's time. The options of a set of choices are written
    once per process (``_options_html``): the same perimeter's list is shown page after page, and only
    the selected option differs."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        choices = tuple(self.choices)
        try:
            options = _options_html(choices)
        except TypeError:  # an unhashable label: written each time
            options = _options_html.__wrapped__(choices)
        for key, _ in choices:
            if str(key) in chosen:
                plain = format_html('<option value="{}">', "" if key is None else key)
                options = mark_safe(options.replace(plain, plain[:-1] + " selected>", 1))
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


_OPTIONS_CACHE_SIZE = 64


@functools.lru_cache(maxsize=_OPTIONS_CACHE_SIZE)
def _options_html(choices: tuple) -> str:
    """The ``<option>`` elements of ``choices``, none selected (a tuple of (key, label) pairs: the
    cache compares the pairs themselves, so two perimeters never share their options by mistake)."""
    return format_html_join(
        "", '<option value="{}">{}</option>', (("" if key is None else key, label) for key, label in choices)
    )


class ColumnsField(forms.MultipleChoiceField):
    """The columns chosen: keys the role may not show (a link from another role, an old bookmark) are
    left out, rather than making the whole list fall back to its defaults."""

    def clean(self, value):
        value = self.to_python(value)
        known = {str(k) for k, _ in self.choices}
        return [v for v in value if v in known]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
    project = forms.TypedChoiceField(
        widget=ListSelect, label="Projet", required=False, coerce=int, empty_value=None
    )
    building = forms.TypedChoiceField(
        widget=ListSelect, label="Bâtiment", required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        widget=ListSelect,
        label="Statut",
        required=False,
        choices=[("", "Tous")] + list(HouseholdStatus.choices),
    )
    commune = forms.TypedChoiceField(
        widget=ListSelect, label="Commune", required=False, coerce=int, empty_value=None
    )
    referent = forms.TypedChoiceField(
        widget=ListSelect, label="Référent", required=False, coerce=int, empty_value=None
    )
    needs = forms.MultipleChoiceField(
        label="Besoins",
        required=False,
        choices=[(key, label) for key, (_, label) in NEEDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = forms.BooleanField(label="Avec des étapes en retard", required=False)
    proposition = forms.ChoiceField(label="Proposition", required=False)
    sort = forms.ChoiceField(widget=ListSelect, label="Trier par", required=False)
    cols = ColumnsField(label="Colonnes affichées", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, choices, **kwargs):
        super().__init__(*args, **kwargs)
        # « Commune : Toutes », « Projet : Tous »: the empty choice agrees with its label.
        for name, everything in (
            ("project", "Tous"),
            ("building", "Tous"),
            ("commune", "Toutes"),
            ("referent", "Tous"),
        ):
            self.fields[name].choices = [("", everything)] + choices[name]
        self.fields["sort"].choices = list(sorts_for(user).items())
        from relogement.alerts.rules import PROPOSAL_STAGES
        from relogement.households.listing import available_columns, columns_for

        self.fields["proposition"].choices = [("", "Toutes")] + list(PROPOSAL_STAGES.items())
        from relogement.permissions import predicates

        # Only the columns of the role: a restricted column in a link is refused (the default set).
        self.fields["cols"].choices = [
            (c.key, c.label) for c in available_columns(user) if c.key != "reference"
        ]
        # Every sort of the role is accepted (the headers link to them); the select offers those of
        # the columns shown and the current one: forty options on every page otherwise.
        shown = {c.key for c in columns_for(user, self.data.getlist("cols") if self.is_bound else None)}
        current = self.data.get("sort", "") if self.is_bound else ""
        self.fields["sort"].widget.choices = [
            (key, label)
            for key, label in self.fields["sort"].choices
            # The census date both ways and the household size always; the old « census » keys (links
            # kept from before the column sorts) only when they are the current sort: otherwise the
            # select would offer the census date twice under two names.
            if key.removeprefix("-") in shown
            or key == current
            or key in ("census_date", "-census_date", "persons")
        ]

        self.search_by_name = predicates.can_view_named_data(user)
        self.fields["q"].help_text = "Référence ou nom" if self.search_by_name else "Référence ou pseudonyme"
        if not predicates.can_list_next_steps(user):
            del self.fields["overdue"]


class BulkReferentForm(forms.Form):
    """The referent chosen for the households ticked in the list (their ids are read by the view)."""

    def __init__(self, *args, referents=None, **kwargs):
        # Its own ids: the list's filter form, on the same page, has a « referent » field too.
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["referent"] = forms.ModelChoiceField(
            label="Travailleur social référent",
            queryset=referents,
            required=False,
            empty_label="Aucun référent",
        )


class _BulkForm(forms.Form):
    """The fields of one bulk action: several sit in the same form of the list (one per button), so
    their ids are their own, and the browser does not require one action's fields for another."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)


class BulkStepForm(_BulkForm):
    step_title = forms.CharField(label="Étape à planifier", max_length=250)
    step_due_date = forms.DateField(label="Échéance de l'étape", widget=DateInput())


class BulkProviderForm(_BulkForm):
    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ModelChoiceField(
            label="Nouveau prestataire social",
            queryset=providers,
            empty_label="—",
            error_messages={
                "required": "Choisissez le nouveau prestataire social.",
                "invalid_choice": "Choisissez un prestataire social de la liste.",
            },
        )
        self.fields["hand_over"] = forms.BooleanField(label="Transmettre le dossier social", required=False)
        self.fields["provider_reason"] = forms.CharField(label="Motif du changement", max_length=500)


class BulkCommitteeForm(_BulkForm):
    committee_reason = forms.CharField(label="Motif de la présentation en comité", max_length=500)


class BulkAgendaForm(_BulkForm):
    """The planned committee whose agenda takes the ticked households (those its organiser runs).
    ``committees``: a queryset (checked on submission) or, for the page, the list already read."""

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label="Comité de relogement",
            queryset=committees if hasattr(committees, "filter") else None,
            error_messages={
                "required": "Choisissez le comité.",
                "invalid_choice": "Choisissez un comité planifié par votre organisation.",
            },
        )
        if not hasattr(committees, "filter"):  # the list read once by the page: no second query
            field.choices = [("", "---------")] + [(c.pk, self.committee_label(c)) for c in committees]
        else:
            field.label_from_instance = self.committee_label
        self.fields["agenda_committee"] = field

    @staticmethod
    def committee_label(committee) -> str:
        return f"{committee.project.name} — {timezone.localtime(committee.starts_at):%d/%m/%Y à %H:%M}"


class SavedFilterForm(forms.Form):
    name = forms.CharField(label="Nom du filtre", max_length=80)


def bootstrapify(form: forms.Form) -> forms.Form:
    """Bootstrap 5 classes on the widgets (no inline style: the CSP forbids it)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")
    return form
