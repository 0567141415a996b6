"""``{% load offers_tags %}{% household_offers household %}``: the offers panel of the household page."""

from django import template

from relogement.offers.selectors import household_offers as household_offers_context

register = template.Library()


@register.inclusion_tag("offers/_household_offers.html", takes_context=True)
def household_offers(context, household):
    return household_offers_context(context["request"].user, household)
