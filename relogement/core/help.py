"""Help pages: the glossary of abbreviations, open to every signed-in user (no data of a perimeter)."""

from django.shortcuts import render

from relogement.core.glossary import TERMS


def glossary(request):
    return render(
        request,
        "core/glossary.html",
        {
            "terms": sorted(TERMS, key=lambda t: t.abbreviation),
            "breadcrumbs": [{"label": "Aide : glossaire des sigles", "url": None}],
        },
    )
