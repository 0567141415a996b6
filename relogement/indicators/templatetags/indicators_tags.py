"""Rendering of a table cell in Python: the metropolitan dashboard has thousands of cells, and an
``{% include %}`` per cell costs more than the whole computation once the figures are cached."""

from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from relogement.core.glossary import WORD
from relogement.core.templatetags.glossary import abbr
from relogement.permissions.secrecy import HIDDEN_HTML

register = template.Library()


def _cell(cell) -> str:
    """The escaped HTML of a cell. Plain ``html.escape`` and f-strings: ``format_html`` per cell cost a
    third of the metropolitan dashboard's rendering."""
    if cell.hidden:
        return HIDDEN_HTML
    display = escape(cell.display)
    if cell.link:
        return (
            f'<a href="{escape(cell.link)}">{display}'
            '<span class="visually-hidden"> : voir les ménages</span></a>'
        )
    return display


@register.filter
def cell_html(cell):
    return mark_safe(_cell(cell))  # noqa: S308 (escaped above)


@register.filter
def kpi_html(cell):
    """A key figure: as in a table, except that a unit may go to the next line in a narrow card (kept
    with its number, "802,50 jours" overflowed the card and was cut inside the word)."""
    if cell.hidden or cell.link or not cell.unit or cell.value is None:
        return cell_html(cell)
    number, _, unit = cell.display.rpartition("\u00a0")
    return format_html('<span class="text-nowrap">{}</span> <span class="fs-6">{}</span>', number, unit)


@register.filter
def table_rows(table):
    """The ``<tbody>`` rows of a table, rendered in Python: the metropolitan buildings table has
    thousands of cells, and the template loop over them cost a quarter of the page. The glossary's
    abbreviations of the text cells are explained (``<abbr>``, core/templatetags/glossary.py)."""
    if not table.rows:
        return format_html(
            '<tr><td colspan="{}">Aucune donnée pour ce périmètre à cette date.</td></tr>', len(table.headers)
        )
    out = []
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row):
            content = _cell(cell)
            if not cell.numeric and WORD.search(content):  # « Relogés hors QPV », « RHI — îlot … »
                content = abbr(mark_safe(content))  # noqa: S308 (escaped by _cell)
            if i == 0:
                cells.append(f'<th scope="row">{content}</th>')
            elif cell.numeric:
                cells.append(f'<td class="text-end text-nowrap">{content}</td>')
            else:
                cells.append(f'<td class="small">{content}</td>')
        out.append("    <tr>" + "".join(cells) + "</tr>\n")
    return mark_safe("".join(out))


@register.simple_tag
def perimeter_options(choices, selected):
    """The ``<optgroup>``s of the perimeter field (one option per building: thousands for the
    metropolis), rendered in Python for the same reason as :func:`table_rows`."""
    out = []
    for group, options in choices:
        if not options:
            continue
        out.append(f'<optgroup label="{escape(group)}">')
        for value, label in options:
            chosen = " selected" if value == selected else ""
            out.append(f'<option value="{escape(value)}"{chosen}>{escape(label)}</option>')
        out.append("</optgroup>")
    return mark_safe("".join(out))
