"""Help: the glossary dictionary, the ``abbr`` filter fed by it, the glossary page and its footer link."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils.safestring import mark_safe

from relogement.core.glossary import GLOSSARY

EXPECTED = (
    "RAC",
    "RLS",
    "APL",
    "QPV",
    "CALEOL",
    "SNE",
    "MOUS",
    "RHI",
    "OPAH",
    "NPNRU",
    "PNRU",
    "ANRU",
    "GIP",
)


def render(text, template="{% load glossary %}{{ text|abbr }}"):
    return Template(template).render(Context({"text": text}))


def test_the_glossary_explains_every_abbreviation_of_the_field():
    for abbreviation in EXPECTED:
        term = GLOSSARY[abbreviation]
        assert term.expansion and term.definition, abbreviation
    assert GLOSSARY["RAC"].expansion == "reste à charge"
    assert GLOSSARY["CALEOL"].expansion.startswith("commission d'attribution")


def test_abbr_filter_wraps_whole_words_with_their_expansion():
    html = render("Passage en CALEOL ; RAC après APL et RLS.")
    assert '<abbr title="commission d&#x27;attribution des logements' in html
    assert '<abbr title="reste à charge">RAC</abbr>' in html
    assert '<abbr title="aide personnalisée au logement">APL</abbr>' in html
    assert html.count("<abbr") == 4


def test_abbr_filter_reads_the_longest_word_and_leaves_other_words_alone():
    html = render("NPNRU, PNRU, TRACE, RACINE, RAC-1, QPVs")
    assert '<abbr title="nouveau programme national de renouvellement urbain">NPNRU</abbr>' in html
    assert '<abbr title="programme national de rénovation urbaine">PNRU</abbr>' in html
    assert html.count("<abbr") == 2


def test_abbr_filter_escapes_text_and_keeps_safe_markup():
    assert (
        render("<script>RAC</script>")
        == '&lt;script&gt;<abbr title="reste à charge">RAC</abbr>&lt;/script&gt;'
    )
    safe = mark_safe('<a href="/?q=RAC" title="QPV">QPV</a> <abbr title="x">RLS</abbr>')
    html = render(safe)
    assert 'href="/?q=RAC" title="QPV"' in html  # attributes untouched
    assert '<abbr title="quartier prioritaire de la politique de la ville">QPV</abbr>' in html
    assert '<abbr title="x">RLS</abbr>' in html and html.count("<abbr") == 2
    assert render(None) == ""
    assert render("sans sigle") == "sans sigle"


@pytest.mark.parametrize(
    "persona", ["mous", "metropolis", "commune", "social_a", "landlord", "admin", "outsider"]
)
def test_every_role_reads_the_glossary_linked_from_the_footer(world, persona):
    client = world.client_for(persona)
    home = client.get(reverse("home")).content.decode()
    footer = home[home.index("<footer") :]
    assert f'href="{reverse("core:glossary")}"' in footer
    html = client.get(reverse("core:glossary")).content.decode()
    for abbreviation in EXPECTED:
        assert re.search(
            rf'<dt id="sigle-{abbreviation.lower()}"><abbr title="[^"]+">{abbreviation}</abbr>', html
        )
    assert "Opération publique" in html and "Agence nationale pour la rénovation urbaine" in html


def test_the_glossary_asks_anonymous_users_to_sign_in(db):
    response = Client().get(reverse("core:glossary"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


QPV = '<abbr title="quartier prioritaire de la politique de la ville">QPV</abbr>'


def test_lists_dashboard_and_home_explain_their_abbreviations(world):
    """Where an abbreviation is read outside the household file: the home page (« Bureau d'étude /
    MOUS »), the indicators (« Relogés hors QPV », in a card and in a table), the map's tables, the
    offers list (QPV column and filter) and the buildings list (the operation « RHI — … »)."""
    from tests import factories

    factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    operation = world.building.operation
    operation.name = "RHI — îlot de la Filature"
    operation.save()
    client = world.client_for("mous")
    home = client.get(reverse("home")).content.decode()
    assert '<abbr title="maîtrise d\'œuvre urbaine et sociale">MOUS</abbr>' in home.replace("&#x27;", "'")
    dashboard = client.get(reverse("indicators:dashboard")).content.decode()
    assert f'<h3 class="h6 card-title">Relogés hors {QPV}</h3>' in dashboard
    assert f'<th scope="row">Relogés hors {QPV}</th>' in dashboard
    assert QPV in client.get(reverse("indicators:map")).content.decode()
    offers = client.get(reverse("offers:list")).content.decode()
    assert f'<th scope="col">{QPV}</th>' in offers
    assert re.search(rf"<td>(En|Hors) {re.escape(QPV)}</td>", offers)
    buildings = client.get(reverse("building_list")).content.decode()
    assert '<td><abbr title="résorption de l\'habitat insalubre">RHI</abbr> — îlot de la Filature</td>' in (
        buildings.replace("&#x27;", "'")
    )
