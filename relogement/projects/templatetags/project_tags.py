from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args, **kwargs):
    """The URL, or "" when the view does not exist (yet): pages link to other journeys only when
    they are installed."""
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
