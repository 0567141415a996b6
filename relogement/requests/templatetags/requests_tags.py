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


@register.simple_tag(takes_context=True)
def new_request_link(context, household=None, offer=None):
    """« Adresser une demande » on a household's or an offer's page (nothing for the administration)."""
    from django.urls import reverse
    from django.utils.html import format_html

    request = context.get("request")
    if request is None or not can_send_requests(request.user):
        return ""
    if household is not None:
        url = reverse("requests:create_for_household", kwargs={"household_pk": household.pk})
    else:
        url = reverse("requests:create_for_offer", kwargs={"offer_pk": offer.pk})
    return format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">Adresser une demande</a>', url)


@register.inclusion_tag("requests/_household_section.html", takes_context=True)
def household_requests_section(context, household):
    """The « Demandes entre organisations » section of a household's file: the requests about it sent or
    received by the reader's organisation only (one query; nothing for the administration)."""
    from relogement.requests.selectors import about_household

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_send_requests(user):
        return {"shown": False}
    return {"shown": True, "rows": about_household(user, household), "household": household}
