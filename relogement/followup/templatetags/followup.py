from django import template

from relogement.followup.selectors import due_followups_for

register = template.Library()


@register.inclusion_tag("followup/_due_followups_panel.html", takes_context=True)
def due_followups_panel(context, limit=10):
    """The due follow-ups of the signed-in social worker (nothing for other roles)."""
    request = context.get("request")
    milestones = due_followups_for(request.user) if request is not None else []
    return {"milestones": milestones[:limit], "total": len(milestones), "limit": limit}
