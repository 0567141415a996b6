"""Fetch one object through the user's scope: outside it, 404 (never 403, which would confirm existence)."""

from django.shortcuts import get_object_or_404


def get_for_user(queryset_or_model, user, **lookup):
    qs = queryset_or_model if hasattr(queryset_or_model, "visible_to") else queryset_or_model.objects
    return get_object_or_404(qs.visible_to(user), **lookup)


def get_household_for_user(user, pk, queryset=None):
    from relogement.households.models import Household

    return get_object_or_404(
        (queryset if queryset is not None else Household.objects).visible_to(user), pk=pk
    )


def get_project_for_user(user, pk):
    from relogement.projects.models import Project

    return get_object_or_404(Project.objects.visible_to(user), pk=pk)


def get_building_for_user(user, pk):
    from relogement.projects.models import Building

    return get_object_or_404(
        Building.objects.visible_to(user).select_related("project", "commune", "landlord"), pk=pk
    )
