"""Forms of the governance pages: French labels, choices limited to what the user may pick."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from relogement.accounts.models import Organisation, OrganisationKind, User
from relogement.governance.models import CommissionOutcome, DecisionKind
from relogement.households.forms import bootstrapify
from relogement.offers.models import HousingOffer, OfferStatus
from relogement.projects.models import Project


def searchable(field: forms.Field) -> None:
    """A long select gets a filter box (app.js, ``data-searchable``: options not matching are hidden)."""
    field.widget.attrs["data-searchable"] = "1"


def organisations_of_projects(projects):
    """The organisations acting on ``projects`` (a queryset): partners of the project, landlords of its
    buildings, providers of its households, and the metropolis; never the administration. Subqueries,
    no join over the households (one query whatever the size)."""
    from relogement.households.models import Household
    from relogement.projects.models import Building

    return (
        Organisation.objects.filter(
            Q(
                pk__in=Project.organisations.through.objects.filter(project__in=projects).values(
                    "organisation_id"
                )
            )
            | Q(pk__in=Building.objects.filter(project__in=projects).values("landlord_id"))
            | Q(pk__in=Household.objects.filter(project__in=projects).values("social_provider_id"))
            | Q(kind=OrganisationKind.METROPOLIS)
        )
        .exclude(kind=OrganisationKind.ADMIN)
        .order_by("name")
    )


def members_of(organisations):
    return (
        User.objects.filter(is_active=True, memberships__organisation__in=organisations)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


class CommitteeForm(forms.Form):
    project = forms.ModelChoiceField(label="Projet", queryset=Project.objects.none())
    starts_at = forms.DateTimeField(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    place = forms.CharField(label="Lieu", max_length=250, required=False)
    video_link = forms.URLField(label="Lien de visioconférence", required=False, assume_scheme="https")
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations invitées",
        queryset=Organisation.objects.exclude(kind=OrganisationKind.ADMIN),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        label="Personnes invitées",
        queryset=User.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("last_name"),
        required=False,
        help_text="Membres des organisations invitées.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.visible_to(user)
        self.fields["project"].queryset = projects.order_by("name")
        # Only the organisations acting on the projects the user plans for, and their people.
        organisations = organisations_of_projects(projects)
        self.fields["organisations"].queryset = organisations
        self.fields["people"].queryset = members_of(organisations)
        searchable(self.fields["people"])
        bootstrapify(self)

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("video_link") and not self.has_error("video_link"):
            self.add_error("place", "Indiquez un lieu ou un lien de visioconférence.")
        return data


class CommitteeEditForm(CommitteeForm):
    """Editing a planned committee (date, place or link, invitees): the project stays."""

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["project"]
        organisations = organisations_of_projects(Project.objects.filter(pk=committee.project_id))
        self.fields["organisations"].queryset = organisations
        self.fields["people"].queryset = members_of(organisations)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la présentation en comité",
        max_length=300,
        help_text="Lu par tous les membres du comité : un motif, pas une note sociale.",
    )


class AddCaseForm(forms.Form):
    reference = forms.CharField(label="Référence du ménage", max_length=60)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=[("", "—"), *DecisionKind.choices])
    offer = forms.ModelChoiceField(
        label="Offre (pour un positionnement)", queryset=HousingOffer.objects.none(), required=False
    )
    note = forms.CharField(
        label="Motif de la décision",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Repris dans le compte rendu et l'historique du ménage : pas de note sociale ni de santé.",
    )
    action_title = forms.CharField(label="Action de suivi", max_length=300, required=False)
    action_organisation = forms.ModelChoiceField(
        label="Organisation responsable", queryset=Organisation.objects.none(), required=False
    )
    action_person = forms.ModelChoiceField(
        label="Personne responsable", queryset=User.objects.none(), required=False
    )
    action_due = forms.DateField(
        label="Échéance", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = (
            HousingOffer.objects.visible_to(user)
            .filter(status__in=[OfferStatus.AVAILABLE, OfferStatus.POSITIONED])
            .select_related("commune")
            .order_by("reference", "pk")
        )
        searchable(self.fields["offer"])
        org_ids = [committee.organiser_id, *committee.invited_organisations.values_list("pk", flat=True)]
        self.fields["action_organisation"].queryset = Organisation.objects.filter(pk__in=org_ids)
        self.fields["action_person"].queryset = (
            User.objects.filter(is_active=True, memberships__organisation_id__in=org_ids)
            .distinct()
            .order_by("last_name")
        )
        searchable(self.fields["action_person"])
        bootstrapify(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == DecisionKind.POSITIONING and not data.get("offer"):
            self.add_error("offer", "Choisissez l'offre sur laquelle positionner le ménage.")
        if data.get("action_title"):
            if not data.get("action_organisation"):
                self.add_error("action_organisation", "Choisissez l'organisation responsable de l'action.")
            if not data.get("action_due"):
                self.add_error("action_due", "Indiquez l'échéance de l'action.")
        return data

    def action(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("action_title"):
            return None
        return {
            "title": data["action_title"],
            "owner_organisation": data["action_organisation"],
            "owner_person": data.get("action_person"),
            "due_date": data["action_due"],
        }


class CommissionForm(forms.Form):
    date = forms.DateField(
        label="Date de la CALEOL", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label="Lieu", max_length=250, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class CommissionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="Décision", choices=[("", "—"), *CommissionOutcome.choices])
    rank = forms.IntegerField(label="Rang (attribution)", min_value=1, max_value=99, required=False)
    reason = forms.CharField(
        label="Motif",
        max_length=500,
        required=False,
        help_text="Obligatoire pour une non-attribution ou un rejet pour irrecevabilité.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == CommissionOutcome.ALLOCATED and not data.get("rank"):
            self.add_error("rank", "Indiquez le rang d'attribution (1 pour le premier).")
        if outcome in (CommissionOutcome.NOT_ALLOCATED, CommissionOutcome.INADMISSIBLE) and not data.get(
            "reason"
        ):
            self.add_error("reason", "Un motif est obligatoire pour cette décision.")
        return data
