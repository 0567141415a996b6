from django import template
from django.urls import NoReverseMatch, reverse

from relogement.permissions.predicates import can_view_private_owner

register = template.Library()


@register.simple_tag
def optional_url(name, *args, **kwargs):
    """The URL, or "" when the view does not exist (yet): pages link to other journeys only when
    they are installed."""
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def building_owner(context, building) -> str:
    """Who owns the building: its social landlord, or its private owner for the roles that may read
    it (``can_view_private_owner``), "Parc privé" for the others."""
    if building.landlord_id is not None:
        return building.landlord.name
    request = context.get("request")
    if request is not None and can_view_private_owner(request.user):
        return building.owner_label
    return "Parc privé (propriétaire non communiqué)"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
