"""``{{ text|abbr }}``: the abbreviations of the glossary (core/glossary.py) wrapped in ``<abbr title>``.

The text is escaped first (a safe string keeps its markup: only the text between tags is read); an
abbreviation already inside an ``<abbr>`` is left alone.
"""

import re

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from relogement.core.glossary import GLOSSARY, WORD

register = template.Library()

TAG = re.compile(r"(<[^>]*>)")


def _wrap(match: re.Match) -> str:
    word = match.group(1)
    return f'<abbr title="{escape(GLOSSARY[word].expansion)}">{word}</abbr>'


@register.filter(is_safe=True)
def abbr(value):
    if value is None:
        return ""
    html = str(conditional_escape(value))
    parts = TAG.split(html)
    inside_abbr = 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith("<abbr"):
                inside_abbr += 1
            elif lowered.startswith("</abbr"):
                inside_abbr = max(0, inside_abbr - 1)
            continue
        if not inside_abbr:
            parts[i] = WORD.sub(_wrap, part)
    return mark_safe("".join(parts))
