"""« Ajouter un bâtiment »: the project office enters a building of one of its projects."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.projects.forms import BuildingForm
from relogement.projects.models import OperationKind
from relogement.projects.services import FieldError, building_create, building_projects
from relogement.territory.models import Commune

TITLE = "Ajouter un bâtiment"


def building_add(request, pk):
    # 404 outside the projects the user's organisation acts on, and for every other role.
    project = get_object_or_404(building_projects(request.user), pk=pk)
    choices = {
        "operations": project.operations.order_by("name"),
        "communes": Commune.objects.order_by("name"),
        "landlords": Organisation.objects.filter(kind=OrganisationKind.LANDLORD).order_by("name"),
    }
    if request.method != "POST":
        form = BuildingForm(initial={"commune": project.commune_id}, **choices)
    else:
        form = BuildingForm(request.POST, **choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                building = building_create(
                    project=project,
                    actor=request.user,
                    reference=data["reference"],
                    address=data["address"],
                    commune=data["commune"],
                    landlord=data["landlord"],
                    private_owner=data["private_owner"],
                    dwellings_count=data["dwellings_count"],
                    planned_demolition_date=data["planned_demolition_date"],
                    operation=data["operation"],
                    new_operation_name=data["new_operation_name"],
                    new_operation_kind=data["new_operation_kind"] or OperationKind.DEMOLITION,
                )
            except FieldError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"Bâtiment {building.reference} ajouté.")
                return redirect("building_detail", pk=building.pk)
    return render(
        request,
        "projects/building_form.html",
        {
            "project": project,
            "form": form,
            "title": TITLE,
            "breadcrumbs": [
                {"label": "Accueil", "url": reverse("home")},
                {"label": "Projets", "url": reverse("project_list")},
                {"label": project.name, "url": reverse("project_detail", args=[project.pk])},
                {"label": TITLE, "url": ""},
            ],
        },
    )
