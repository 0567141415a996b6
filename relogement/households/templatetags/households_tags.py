from django import template

from relogement.households.selectors import overdue_steps_for
from relogement.permissions import predicates

register = template.Library()


@register.simple_tag(takes_context=True)
def overdue_steps_for_user(context):
    """The user's overdue next steps, or None for roles that do not follow households' steps."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not predicates.can_list_next_steps(user):
        return None
    return overdue_steps_for(user)
