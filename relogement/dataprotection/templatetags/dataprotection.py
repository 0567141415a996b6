"""The link to a household's information notice, on its file, for those who may print it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from relogement.permissions.predicates import can_print_information_notice

register = template.Library()


@register.simple_tag(takes_context=True)
def notice_link(context, household):
    request = context.get("request")
    if request is None or not can_print_information_notice(request.user, household):
        return ""
    return format_html(
        '<a href="{}">Imprimer la notice d\'information (PDF)</a>',
        reverse("dataprotection:notice", args=[household.pk]),
    )
