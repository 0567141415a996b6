from django import template

from relogement.core import formatting

register = template.Library()


@register.filter
def euros(value, decimals=2):
    return formatting.format_euros(value, int(decimals))


@register.filter
def nombre(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def pourcent(value, decimals=1):
    return formatting.format_percent(value, int(decimals))


@register.filter
def composition(household):
    """{{ household|composition }} → « 2 adultes, sans enfant » (formatting.format_composition)."""
    return formatting.format_composition(
        getattr(household, "adults_count", None), getattr(household, "children_count", None)
    )
