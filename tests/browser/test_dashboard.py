"""The indicators dashboard in a real browser (issue 18 point 5): contents bar, monthly burn-down and its
table, the buildings table sorted by htmx, the perimeter search, a building read by the metropolis
(« Effectifs trop faibles » rather than a blank chart); every state checked with axe-core
(tests/browser/test_field_work.py: no serious or critical violation)."""

import datetime as dt
import os
import re

import pytest
from django.urls import reverse

from relogement.households.statuses import HouseholdStatus as S
from tests.browser.test_field_work import FieldJourney, chromium  # noqa: F401 (fixture)
from tests.indicators.builders import household, rehouse

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

D = dt.date


@pytest.fixture
def board(world, live_server, settings, chromium):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    journey = FieldJourney(chromium, live_server, world)
    journey.series = "dashboard"
    journey.axe_problems = []
    return journey


def test_dashboard_tabs_burndown_and_buildings_table(board, world):
    # Six households censused in January 2025 in BAT-A; two rehoused in March and in June 2025.
    census = D(2025, 1, 1)
    for i in range(6):
        if i < 2:
            moved = D(2025, 3 + 3 * i, 1)
            h = household(
                world.building, census=census, history=[(census, S.TO_DIAGNOSE), (moved, S.REHOUSED)]
            )
            rehouse(h, move_in=moved, commune=world.commune, housing_stock="social")
        else:
            household(world.building, census=census, history=[(census, S.TO_DIAGNOSE)])
    mous = board.login_cookie("mous")
    board.go(mous, reverse("indicators:dashboard") + "?date=2025-12-31")
    board.axe(mous, "tableau-de-bord")

    # The contents bar leads to each part, from the keyboard.
    contents = mous.get_by_role("navigation", name="Sommaire du tableau de bord")
    for name in ("Avancement", "Impact", "Processus", "Bâtiments"):
        assert contents.get_by_role("link", name=name, exact=True).is_visible()
    link = contents.get_by_role("link", name="Bâtiments", exact=True)
    link.focus()
    mous.keyboard.press("Enter")
    mous.wait_for_url(re.compile("#batiments$"))
    assert mous.get_by_role("heading", name="Bâtiments", exact=True).is_visible()

    # The burn-down: a described image, and its table for screen readers (BAT-A: 6, then 5, then 4).
    chart = mous.get_by_role("img", name=re.compile("Ménages restant à reloger, par mois"))
    assert chart.is_visible()
    mous.get_by_text("Tableau des valeurs mensuelles (alternative au graphique)").click()
    table = mous.locator("#table-progression")
    assert table.is_visible()

    def remaining(month):
        return int(
            table.locator("tr", has=mous.locator(f"th:text-is('{month}')")).locator("td").first.inner_text()
        )

    assert remaining("02/2025") - remaining("12/2025") == 2
    assert remaining("03/2025") - remaining("06/2025") == 1
    board.axe(mous, "tableau-de-bord-progression")

    # The buildings table sorts through htmx, in place, and says how it is sorted.
    show_all = mous.get_by_role("link", name="Afficher tous les bâtiments")
    if show_all.count():
        show_all.click()
        mous.wait_for_selector("#table-batiments caption:not(:has-text('à risque'))")
    header = mous.locator("#table-batiments thead").get_by_role("link", name=re.compile("^Restant à reloger"))
    header.focus()
    mous.keyboard.press("Enter")
    mous.wait_for_selector('#table-batiments th[aria-sort="ascending"]')
    # The keyboard user keeps their place: the focus is back on the header just used.
    assert mous.evaluate("document.activeElement.id") == "tri-restant"
    assert mous.url.endswith("#batiments")  # the page did not change: the table was swapped
    board.axe(mous, "tableau-de-bord-batiments-tries")

    # The perimeter search finds the building and leads to its dashboard.
    mous.get_by_text("Choisir un bâtiment ou rechercher un périmètre par son nom").click()
    mous.get_by_label("Rechercher un bâtiment, un projet, une commune ou un bailleur").fill("BAT")
    result = mous.locator("#perimetre-resultats").get_by_role("link", name=re.compile("^BAT-A"))
    result.wait_for()
    board.axe(mous, "tableau-de-bord-recherche")
    with mous.expect_navigation():
        result.click()
    assert f"perimetre=batiment-{world.building.pk}" in mous.url
    assert "Bâtiment : BAT-A" in mous.get_by_role("main").inner_text()

    # The metropolis analyst reads pseudonymised figures: on one building every count is under 5, and
    # no chart is left blank: each says « Effectifs trop faibles » instead.
    metropolis = board.login_cookie("metropolis")
    board.go(
        metropolis,
        reverse("indicators:dashboard") + f"?perimetre=batiment-{world.building.pk}&date=2025-12-31",
    )
    figures = metropolis.locator("main figure.chart").all()
    assert figures
    for figure in figures:
        assert figure.locator("svg").count() or "Effectifs trop faibles" in figure.inner_text()
    assert metropolis.get_by_text("Effectifs trop faibles", exact=False).first.is_visible()
    board.axe(metropolis, "tableau-de-bord-secret")

    assert board.problems == []
    assert board.axe_problems == []
