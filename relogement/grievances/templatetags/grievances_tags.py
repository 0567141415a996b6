"""``{% load grievances_tags %}{% household_grievances household %}``: the « Réclamations » section of a
household's file (nothing for the metropolis, which reads grievances as aggregates only)."""

from django import template
from django.utils import timezone

from relogement.grievances.selectors import household_grievances
from relogement.permissions import predicates

register = template.Library()


@register.inclusion_tag("grievances/_household_section.html", takes_context=True)
def household_grievances_section(context, household):
    user = context["request"].user
    shown = predicates.can_list_grievances(user)
    today = timezone.localdate()
    rows = [(g, g.is_overdue(today)) for g in household_grievances(user, household)] if shown else []
    return {
        "household": household,
        "shown": shown,
        "rows": rows,
        "can_record": shown and predicates.can_record_grievance(user, household),
    }
