"""Census pages (« Recenser un ménage »): pick a building, then record the household.

Thin views: the building comes through the user's census perimeter (households.census.census_buildings,
404 outside it), the forms parse, the service decides. Possible duplicates are shown before anything is
written, until the user ticks « Ce n'est pas un doublon ».
"""

from __future__ import annotations

import datetime as dt

from django import forms as django_forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from relogement.accounts.models import OrganisationKind
from relogement.duplicates.detection import find_possible_duplicates
from relogement.duplicates.services import duplicates_dismiss_at_census
from relogement.households.census import CensusError, census_buildings, household_census, provider_choices
from relogement.households.census_forms import census_forms, filled_members
from relogement.households.forms import bootstrapify
from relogement.households.models import OccupancyStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of

TITLE = "Recenser un ménage"


class BuildingChoiceForm(django_forms.Form):
    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batiment"] = django_forms.ModelChoiceField(
            label="Bâtiment",
            queryset=buildings,
            empty_label="—",
            error_messages={
                "required": "Choisissez le bâtiment du ménage.",
                "invalid_choice": "Choisissez un bâtiment de vos projets dans la liste.",
            },
        )
        self.fields["batiment"].label_from_instance = lambda b: (
            f"{b.project.name} — {b.reference}" + (f" ({b.address})" if b.address else "")
        )


def census_start(request):
    """Choose the building of the household to record (from the household list)."""
    if not predicates.can_census_households(request.user):
        raise Http404
    buildings = (
        census_buildings(request.user).select_related("project").order_by("project__name", "reference")
    )
    form = BuildingChoiceForm(request.GET or None, buildings=buildings)
    if form.is_bound and form.is_valid():
        return redirect("households:census", building_pk=form.cleaned_data["batiment"].pk)
    return render(
        request,
        "households/census_start.html",
        {
            "form": bootstrapify(form),
            "title": TITLE,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {"label": TITLE, "url": ""},
            ],
        },
    )


def _show_error(form, formset, rows, exc: CensusError) -> None:
    """Put the service's French message next to the field it names."""
    if exc.member_index is not None and exc.member_index < len(rows):
        member_form = formset.forms[rows[exc.member_index][0]]
        member_form.add_error(exc.field if exc.field in member_form.fields else None, exc.message)
    elif exc.field == "members":
        formset.forms[0].add_error(None, exc.message)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def census(request, building_pk):
    """Record a newly censused household of the building."""
    building = get_object_or_404(
        census_buildings(request.user).select_related("project", "commune"), pk=building_pk
    )
    dwellings = building.dwellings.order_by("reference")
    providers = provider_choices(request.user, building)
    candidates = []
    if request.method != "POST":
        org = organisation_of(request.user)
        initial = {
            "census_date": dt.date.today(),
            "occupancy_status": (
                OccupancyStatus.SOCIAL_TENANT if building.landlord_id else OccupancyStatus.PRIVATE_TENANT
            ),
        }
        if org.kind == OrganisationKind.SOCIAL_PROVIDER:
            initial["social_provider"] = org.pk
        form, formset = census_forms(dwellings=dwellings, providers=providers, initial=initial)
    else:
        form, formset = census_forms(request.POST, dwellings=dwellings, providers=providers)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            rows = filled_members(formset)
            if not data["not_duplicate"]:
                candidates = find_possible_duplicates(
                    viewer=request.user,
                    sne_number=data["sne_number"],
                    members=[(m.last_name, m.first_name, m.birth_date) for _, m in rows],
                    origin_dwelling_id=data["origin_dwelling"].pk if data["origin_dwelling"] else None,
                )
            if not candidates:
                try:
                    with transaction.atomic():
                        household = household_census(
                            actor=request.user,
                            building=building,
                            reference=data["reference"],
                            census_date=data["census_date"],
                            social_provider=data["social_provider"],
                            members=[member for _, member in rows],
                            origin_dwelling=data["origin_dwelling"],
                            new_dwelling=form.new_dwelling(),
                            resources=form.resources(),
                            rent_before=data["rent_before"],
                            charges_before=data["charges_before"],
                            apl_before=data["apl_before"],
                            rls_before=data["rls_before"],
                            tenancy_start=data["tenancy_start"],
                            sne_number=data["sne_number"],
                            occupancy_status=data["occupancy_status"],
                        )
                        if data["not_duplicate"]:
                            duplicates_dismiss_at_census(household=household, actor=request.user)
                except CensusError as exc:
                    _show_error(form, formset, rows, exc)
                else:
                    messages.success(request, f"Ménage {household.reference} recensé.")
                    return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/census.html",
        {
            "building": building,
            "form": form,
            "formset": formset,
            "candidates": candidates,
            "title": TITLE,
            "breadcrumbs": [
                {"label": "Ménages", "url": reverse("households:list")},
                {
                    "label": building.project.name,
                    "url": reverse("project_detail", args=[building.project_id]),
                },
                {"label": TITLE, "url": ""},
            ],
        },
    )
