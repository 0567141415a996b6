"""Issue 18, points 6 and 8 in a real browser: the map read with the keyboard and the mouse (each
commune named on the map when focused or hovered, the origin/destination toggle keeping the perimeter,
the tables folded under the map), the glossary page, and the committee summary printed without the
navigation. Every page goes through axe-core (no serious or critical violation)."""

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.browser.test_field_work import chromium, field  # noqa: F401  (fixtures)
from tests.governance.builders import committee_for

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def square(x, y):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]],
    }


def test_map_by_keyboard_and_mouse_glossary_and_printed_summary(field, world):  # noqa: F811
    field.series = "carte"
    lille = world.project.commune
    lille.outline = square(3.0, 50.6)
    lille.save()
    other = type(lille).objects.exclude(pk=lille.pk).first()
    other.outline = square(3.15, 50.68)
    other.save()

    page = field.login_cookie("mous")
    perimeter = f"projet-{world.project.pk}"
    field.go(page, reverse("indicators:map") + f"?perimetre={perimeter}")
    field.axe(page, "carte")
    assert page.get_by_role("heading", name="Légende", exact=False).count() == 1
    label = page.locator("#carte-etiquette")

    # Keyboard: Tab reaches the skip link, then the communes, each named on the map with its value.
    page.locator("#carte-mode a").last.focus()
    names = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({cls: document.activeElement.getAttribute('class') || '',"
            " name: document.activeElement.getAttribute('aria-label') || document.activeElement.textContent})"
        )
        if "commune" in focused["cls"]:
            names.append(focused["name"])
            assert label.text_content() == focused["name"]
            assert page.locator("#carte-survol").get_attribute("visibility") == "visible"
    assert len(names) == 2 and any(n.startswith(lille.name + " : ") for n in names), names
    field.shot(page, "carte-focus-clavier")
    page.keyboard.press("Tab")  # leaving the map hides the label
    assert label.text_content() == ""

    # Mouse: hovering a commune names it too.
    page.locator(f"#commune-{other.insee_code}").hover()
    assert label.text_content().startswith(other.name + " : ")

    # The tables are folded under the map; the keyboard opens them.
    table = page.locator("#table-communes")
    assert not table.is_visible()
    page.locator("#tableaux-carte > summary").focus()
    page.keyboard.press("Enter")
    assert table.is_visible()
    field.axe(page, "carte-tableaux")

    # The toggle keeps the perimeter and the date.
    page.get_by_role("link", name="Communes de destination").click()
    page.wait_for_load_state()
    query = parse_qs(urlsplit(page.url).query)
    assert query["perimetre"] == [perimeter] and query["mode"] == ["destination"]
    assert page.get_by_role("link", name="Communes de destination").get_attribute("aria-current") == "true"
    assert page.locator("#perimetre").input_value() == perimeter
    field.axe(page, "carte-destination")

    # The glossary, linked from the footer.
    page.locator("footer").get_by_role("link", name="Glossaire des sigles").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Glossaire"
    assert page.locator("abbr[title='reste à charge']").count() >= 1
    field.axe(page, "glossaire")

    # The committee summary prints without the navigation, with the page's content only.
    committee = committee_for(world)
    case = committee.cases.get(household=world.household_a)
    field.go(page, reverse("governance:case_summary", args=[committee.pk, case.pk]))
    field.axe(page, "fiche-comite")
    assert page.get_by_role("button", name="Imprimer la fiche pour le comité").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.locator("footer").is_visible()
    assert not page.get_by_role("button", name="Imprimer la fiche pour le comité").is_visible()
    assert page.get_by_role("heading", name="Fiche de synthèse", exact=False).is_visible()
    assert page.locator(".print-only").is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".print-only").is_visible()

    assert not field.axe_problems, "\n".join(field.axe_problems)
    assert not field.problems, "\n".join(field.problems)
