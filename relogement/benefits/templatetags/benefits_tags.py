"""``{% load benefits_tags %}{% potential_rights_section household %}``: the household page's
"Droits potentiels à vérifier" section, loaded apart (openfisca's RSA takes about a second)."""

from django import template

from relogement.permissions import predicates

register = template.Library()


@register.inclusion_tag("benefits/_potential_rights_section.html", takes_context=True)
def potential_rights_section(context, household):
    return {
        "household": household,
        "shown": predicates.can_view_potential_rights(context["request"].user, household),
    }
