"""Links to the census pages, shown only to those who may use them (the pages answer 404 to others)."""

from django import template
from django.urls import reverse

from relogement.households.census import census_buildings
from relogement.permissions import predicates

register = template.Library()


@register.simple_tag(takes_context=True)
def census_url(context, building=None) -> str:
    """The census page for the building (or the building picker without one), or "" when the user
    may not census there."""
    user = context["request"].user
    if not predicates.can_census_households(user):
        return ""
    if building is None:
        return reverse("households:census_start")
    if not census_buildings(user).filter(pk=building.pk).exists():
        return ""
    return reverse("households:census", args=[building.pk])


@register.simple_tag(takes_context=True)
def building_add_url(context, project) -> str:
    """The « Ajouter un bâtiment » page of the project, or "" when the user may not add one."""
    user = context["request"].user
    if not predicates.can_add_building(user):
        return ""
    from relogement.projects.services import building_projects

    if not building_projects(user).filter(pk=project.pk).exists():
        return ""
    return reverse("building_create", args=[project.pk])
