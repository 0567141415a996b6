from django import template

from relogement.permissions.predicates import can_send_requests
from relogement.permissions.scopes import organisation_of
from relogement.requests.models import HandoffRequest

register = template.Library()


@register.inclusion_tag("requests/_home_panel.html", takes_context=True)
def requests_panel(context, limit=5):
    """The home page's queue of requests received by the user's organisation, the most urgent first
    (subject, sender, due date: no household named, so that the home page reads no file)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_send_requests(user):
        return {"rows": [], "total": 0}
    org = organisation_of(user)
    pending = HandoffRequest.objects.received_by(org).pending()
    rows = list(pending.select_related("sender_organisation")[:limit])
    total = len(rows) if len(rows) < limit else pending.count()
    return {"rows": rows, "total": total, "limit": limit}
