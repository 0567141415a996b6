"""``{% buildings_at_risk project=project %}``: the demolition-risk block for project and home pages."""

from django import template

from relogement.matching.risk import building_risks
from relogement.projects.models import Building

register = template.Library()


@register.inclusion_tag("matching/_buildings_at_risk.html", takes_context=True)
def buildings_at_risk(context, project=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"risks": [], "show_all": False}
    buildings = Building.objects.visible_to(user)
    if project is not None:
        buildings = buildings.filter(project=project)
    return {"risks": building_risks(user, buildings, only_at_risk=True), "show_all": False, "compact": True}
