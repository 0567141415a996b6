"""``{% buildings_at_risk project=project %}``: the demolition-risk block for project and home pages."""

from django import template

from relogement.matching.risk import building_risks
from relogement.projects.models import Building

register = template.Library()


@register.inclusion_tag("matching/_buildings_at_risk.html", takes_context=True)
def buildings_at_risk(context, project=None, only_at_risk=None):
    """For a project, every building with its projected vacancy date; without a project (home,
    metropolis), the buildings at risk only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    only = project is None if only_at_risk is None else only_at_risk
    if user is None or not user.is_authenticated:
        return {"risks": [], "only_at_risk": only}
    buildings = Building.objects.visible_to(user)
    if project is not None:
        buildings = buildings.filter(project=project)
    # The request goes along: its user decides which counts the secret statistique hides.
    return {
        "risks": building_risks(user, buildings, only_at_risk=only),
        "only_at_risk": only,
        "request": request,
    }


@register.inclusion_tag("matching/_link.html", takes_context=True)
def household_offers_link(context, household):
    """A button to the household's ranked offers, for those who may see it (one line in other pages)."""
    from django.urls import reverse

    from relogement.permissions.predicates import can_view_resources

    user = getattr(context.get("request"), "user", None)
    if user is None or not can_view_resources(user, household):
        return {"url": ""}
    return {
        "url": reverse("matching:household_offers", kwargs={"pk": household.pk}),
        "label": "Offres adaptées",
    }


@register.inclusion_tag("matching/_link.html", takes_context=True)
def offer_households_link(context, offer):
    """A button to the households an offer suits best, for landlords and project offices."""
    from django.urls import reverse

    from relogement.permissions.predicates import can_view_offer_matches

    user = getattr(context.get("request"), "user", None)
    if user is None or not can_view_offer_matches(user):
        return {"url": ""}
    return {"url": reverse("matching:offer_households", kwargs={"pk": offer.pk}), "label": "Ménages adaptés"}
