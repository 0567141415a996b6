"""``{% effectif count %}``: a count of households as the reader may see it (secret statistique).

Every page that shows a count of households to a role without named data goes through this tag, so
the dashboards' rule (``permissions/secrecy.py``: no count below 5 for the metropolis) holds on the
lists and structure pages too. The reader is the request's user; ``base=`` names the count a derived
figure (a pace, a mean) is computed from; ``decimals=`` formats it.
"""

from django import template
from django.utils.safestring import mark_safe

from relogement.core.formatting import format_number
from relogement.permissions.secrecy import HIDDEN_HTML, count_hidden

register = template.Library()


@register.simple_tag(takes_context=True)
def effectif(context, value, base=None, decimals=0):
    request = context.get("request")
    user = getattr(request, "user", None)
    if count_hidden(user, value if base is None else base):
        return mark_safe(HIDDEN_HTML)  # noqa: S308 (a constant)
    return format_number(value, int(decimals))
