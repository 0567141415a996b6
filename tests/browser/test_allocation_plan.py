"""The allocation plan (issue 18, point 7) in a real browser, every state through axe-core.

The project office opens the plan: pairs sorted by priority (the household whose building is demolished
in a month first), plain-French headers, the short explanation of the score; it filters on the offers'
commune, pins a pair and excludes another from the table (htmx: the table is redrawn in place, the
status says what changed), restores the excluded pair, and downloads the XLSX export, which holds the
pairs of the page. Without /usr/bin/chromium the test is skipped, except under CI=true where it fails.
"""

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from relogement.matching import views as matching_views
from relogement.matching.residual_rent import estimated_residual_rent
from tests.browser.test_field_work import chromium, field  # noqa: F401 (fixtures: axe-core journey)
from tests.browser.test_rehousing_journey import submit
from tests.matching.test_ranked_actions import urgent_b  # noqa: F401 (fixture)
from tests.matching.test_views import plan_scene, scene  # noqa: F401 (fixtures)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _estimated_rents(monkeypatch):
    # The residual rents of the current aid carried over (no openfisca run in the live server's thread).
    monkeypatch.setattr(matching_views, "default_provider", lambda: (estimated_residual_rent, False))


def _settle(page):
    """The mouse off the redrawn table, its buttons' hover transition over (Bootstrap's .15 s): axe-core
    must not read the colours of a button half-way between two states."""
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)


def _rows(page):
    table = page.get_by_role("table", name="Paires du plan optimal", exact=False)
    return table.locator("tbody tr")


def test_project_office_reads_adjusts_and_exports_the_plan(field, world, urgent_b):  # noqa: F811
    field.series = "plan"
    mous = field.login_cookie("mous")
    field.go(mous, reverse("matching:plan"))
    table = mous.get_by_role("table", name="Paires du plan optimal", exact=False)
    headers = table.get_by_role("columnheader").all_inner_texts()
    for header in ("Ménage", "Démolition prévue", "Urgence (priorité de 1 à 2)", "Offre proposée"):
        assert header in headers
    rows = _rows(mous)
    assert rows.count() == 2
    assert rows.nth(0).get_by_role("rowheader").inner_text().startswith("CONC-002")  # demolished first
    assert "Très urgent" in rows.nth(0).inner_text()
    mous.get_by_text("Comment lire le plan").click()
    assert mous.get_by_text("priorité × (1 + adéquation)", exact=False).is_visible()
    field.axe(mous, "plan")

    # Filter on the offers' commune: only Roubaix's offer is left.
    mous.get_by_label("Commune des offres").select_option(label="Roubaix")
    submit(mous.get_by_role("button", name="Calculer le plan"))
    assert "OF-LOIN" in _rows(mous).first.inner_text()
    assert "OF-BON" not in table.inner_text()
    mous.get_by_label("Commune des offres").select_option(label="Toutes")
    submit(mous.get_by_role("button", name="Calculer le plan"))

    # Pin household A's pair from the table: redrawn in place (no navigation), marked « Épinglée ».
    url = mous.url
    first_a = _rows(mous).filter(has_text="CONC-001")
    first_a.get_by_role("button", name="Épingler", exact=False).click()
    mous.get_by_role("status").get_by_text("Paire épinglée").wait_for()
    assert mous.url == url
    assert "Épinglée" in _rows(mous).filter(has_text="CONC-001").inner_text()
    _settle(mous)
    field.axe(mous, "plan-epingle")

    # Exclude household B's pair: it leaves the table, listed under « Paires exclues » with « Rétablir ».
    b_offer = _rows(mous).filter(has_text="CONC-002").get_by_role("link").nth(1).inner_text()
    _rows(mous).filter(has_text="CONC-002").get_by_role("button", name="Exclure", exact=False).click()
    excluded = mous.get_by_role("heading", name="Paires exclues")
    excluded.wait_for()
    assert f"offre {b_offer}" in mous.locator("#plan-body").inner_text()
    pairs_b = [r for r in _rows(mous).all_inner_texts() if "CONC-002" in r]
    assert all(b_offer not in r for r in pairs_b)
    _settle(mous)
    field.axe(mous, "plan-exclusion")

    # The export is the plan of the page: the pin and the exclusion are kept.
    with mous.expect_download() as download:
        mous.get_by_role("link", name="Exporter le plan (XLSX)").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    exported = {(row[1], row[5]) for row in list(sheet.iter_rows(values_only=True))[2:] if row[0]}
    assert not any(h.startswith("CONC-002") and o == b_offer for h, o in exported)
    assert any(h.startswith("CONC-001") for h, _ in exported)

    mous.get_by_role("button", name="Rétablir").click()
    mous.get_by_role("heading", name="Paires exclues").wait_for(state="detached")
    mous.get_by_role("button", name="Effacer les épinglages et exclusions").click()
    mous.get_by_role("button", name="Désépingler", exact=False).first.wait_for(state="detached")
    _settle(mous)
    field.axe(mous, "plan-retabli")
    assert field.problems == []
    assert field.axe_problems == []
