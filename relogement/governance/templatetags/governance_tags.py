"""``{% load governance_tags %}{% governance_history household %}``: the committee and CALEOL decisions
and follow-up actions of one household, in its file's history; the « à présenter en comité » form
for its social provider."""

from django import template

from relogement.governance.forms import FlagForm
from relogement.governance.selectors import household_history

register = template.Library()


@register.inclusion_tag("governance/_household_history.html", takes_context=True)
def governance_history(context, household):
    data = household_history(household=household, user=context["request"].user)
    data["flag_form"] = FlagForm() if data["can_flag"] and not data["open_flags"] else None
    data["request"] = context["request"]
    data["csrf_token"] = context.get("csrf_token")
    return data
