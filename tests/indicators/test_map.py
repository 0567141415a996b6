"""The map: class-break legend, focusable communes with their value, flow arrows and width legend, the
origin/destination toggle that keeps the perimeter, the tables folded under the map, the secret."""

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from relogement.indicators.geo import PALETTE, class_breaks, class_of
from tests.indicators.test_views import AS_OF, metropolis, mous, s  # noqa: F401  (fixtures)


def square(x, y):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]],
    }


@pytest.fixture
def outlined(s):  # noqa: F811
    s.lille.outline = square(3.0, 50.6)
    s.lille.save()
    s.roubaix.outline = square(3.15, 50.68)
    s.roubaix.save()
    return s


def test_class_breaks_cover_every_value_in_at_most_five_increasing_classes():
    values = [1, 2, 3, 7, 18, 40]
    breaks = class_breaks(values)
    assert [(b.low, b.high) for b in breaks] == [(1, 8), (9, 16), (17, 24), (25, 32), (33, 40)]
    assert [b.fill for b in breaks] == list(PALETTE[1:])
    for v in values:
        assert class_of(v, breaks) is not None
    assert class_of(0, breaks) is None
    assert breaks[0].label == "1 à 8 ménages"


def test_class_breaks_with_few_values_and_the_secrecy_threshold():
    assert class_breaks([]) == []
    assert class_breaks([0, 0]) == []
    one = class_breaks([1])
    assert [(b.low, b.high, b.label) for b in one] == [(1, 1, "1 ménage")]
    assert [(b.low, b.high) for b in class_breaks([2, 3])] == [(1, 1), (2, 2), (3, 3)]
    # Counts below 5 hidden: no class starts below the threshold, small values belong to none.
    hidden = class_breaks([2, 3, 9], low=5)
    assert hidden[0].low == 5 and hidden[-1].high == 9
    assert class_of(3, hidden) is None
    assert class_breaks([2, 4], low=5) == []


def _map(client, **params):
    response = client.get(reverse("indicators:map"), {"date": AS_OF, **params})
    assert response.status_code == 200
    return response.content.decode()


def _communes(html):
    return re.findall(r'<path [^>]*class="commune[^"]*"[^>]*>', html)


def test_map_legend_focusable_communes_and_arrows(outlined, mous):  # noqa: F811
    html = _map(mous, perimetre=f"projet-{outlined.project.pk}")
    shapes = _communes(html)
    assert len(shapes) == 2
    for shape in shapes:
        assert 'tabindex="0"' in shape and 'role="img"' in shape
    labels = {html_lib.unescape(m) for m in re.findall(r'aria-label="([^"]*)"', "".join(shapes))}
    assert any(re.fullmatch(r"Lille : \d+ ménages?", label) for label in labels), labels
    assert any(label.startswith("Roubaix : ") for label in labels), labels
    # Legend: the classes with their values, each fill used on the map.
    legend = html[html.index('id="carte-legende"') :]
    classes = re.findall(r'<li class="legend-class">.*?fill="(#[0-9a-f]{6})".*?</svg> ([^<]+)</li>', legend)
    assert classes and all("ménage" in label for _, label in classes)
    fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', "".join(shapes)))
    assert fills - {PALETTE[0]} <= {fill for fill, _ in classes}
    # Flows: directed (arrow marker) and a width legend with the counts.
    flows = re.findall(r'<line [^>]*class="flow"[^>]*>', html)
    assert flows and all('marker-end="url(#fleche-' in f for f in flows)
    assert '<marker id="fleche-petite"' in html
    assert re.search(r'<li class="legend-flow">.*?stroke-width="[\d.]+".*?\d+ ménages?</li>', legend)
    # The keyboard can skip the 95 communes; the tables are folded under the map.
    assert 'href="#tableaux-carte"' in html
    details = html[html.index('<details class="mt-3" id="tableaux-carte">') :]
    assert "<summary" in details and 'id="table-communes"' in details and 'id="table-flux"' in details
    assert 'id="table-communes"' not in html[: html.index('id="tableaux-carte"')]
    assert " style=" not in html
    assert "indicators/map.js" in html


def test_the_origin_destination_toggle_keeps_the_perimeter_and_the_date(outlined, mous):  # noqa: F811
    perimeter = f"projet-{outlined.project.pk}"
    html = _map(mous, perimetre=perimeter)
    toggle = html[html.index('id="carte-mode"') : html.index("</nav>", html.index('id="carte-mode"'))]
    links = {
        html_lib.unescape(label): parse_qs(urlsplit(html_lib.unescape(href)).query)
        for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', toggle)
    }
    assert links["Communes de destination"] == {
        "perimetre": [perimeter],
        "date": [AS_OF],
        "mode": ["destination"],
    }
    assert links["Communes d'origine"]["perimetre"] == [perimeter]
    assert re.search(r'aria-current="true">Communes d.origine<', toggle)
    dest = _map(mous, perimetre=perimeter, mode="destination")
    assert re.search(r'aria-current="true">Communes de destination<', dest)
    assert '<input type="hidden" name="mode" value="destination">' in dest  # changing the perimeter keeps it
    assert "relogés dans la commune" in dest and "originaires de la commune" in html
    # Destination values: Roubaix receives households (flow Lille → Roubaix), so it is shaded.
    roubaix = next(p for p in _communes(dest) if "Roubaix" in p)
    assert f'fill="{PALETTE[0]}"' not in roubaix


def test_the_map_keeps_the_secret_for_the_metropolis(outlined, metropolis):  # noqa: F811
    html = _map(metropolis)
    roubaix = next(p for p in _communes(html) if "Roubaix" in p)
    assert 'fill="url(#secret-hatch)"' in roubaix
    assert "moins de 5 ménages (effectif masqué, secret statistique)" in roubaix
    assert not re.search(r'aria-label="Roubaix : \d', roubaix)
    assert "effectif masqué (secret statistique)" in html[html.index('id="carte-legende"') :]
    # No class of the legend starts below 5: a class never tells a masked count.
    lows = [int(m) for m in re.findall(r'<li class="legend-class">.*?</svg> (\d+)', html)]
    assert all(low >= 5 for low in lows)
    assert 'class="flow"' not in html and 'class="legend-flow"' not in html
