"""Rendering of a table cell in Python: the metropolitan dashboard has thousands of cells, and an
``{% include %}`` per cell costs more than the whole computation once the figures are cached."""

from django import template
from django.utils.html import format_html

from relogement.indicators.secrecy import HIDDEN_TITLE

register = template.Library()


@register.filter
def cell_html(cell):
    if cell.hidden:
        return format_html(
            '<span class="secret" title="{}">&lt; 5<span class="visually-hidden"> ({})</span></span>',
            HIDDEN_TITLE,
            HIDDEN_TITLE,
        )
    if cell.link:
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> : voir les ménages</span></a>',
            cell.link,
            cell.display,
        )
    return cell.display
