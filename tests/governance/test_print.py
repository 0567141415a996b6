"""The committee summary of a household prints for the committee: a print button, a print stylesheet
that leaves the navigation out, and nothing more than the page shows (social notes only for the roles
that read them on screen)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.governance.builders import committee_for
from tests.governance.test_committees import social_file  # noqa: F401  (fixture)

PRINT_CSS = Path(settings.BASE_DIR) / "relogement" / "core" / "static" / "relogement" / "print.css"


def _summary(world, persona):
    committee = committee_for(world)
    case = committee.cases.get(household=world.household_a)
    response = world.client_for(persona).get(reverse("governance:case_summary", args=[committee.pk, case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "notes"), [("social_a", True), ("mous", False), ("commune", False), ("landlord", False)]
)
def test_the_committee_summary_prints_what_the_role_may_read(world, social_file, persona, notes):  # noqa: F811
    html = _summary(world, persona)
    assert re.search(
        r'<link rel="stylesheet" href="[^"]*relogement/print(\.[0-9a-f]+)?\.css" media="print">', html
    )
    assert re.search(
        r'<button type="button" class="btn[^"]*" data-print>Imprimer la fiche pour le comité</button>', html
    )
    assert re.search(r'<script src="[^"]*relogement/print(\.[0-9a-f]+)?\.js" defer>', html)
    assert "print-only" in html and "fiche imprimée le" in html
    assert ("NOTE-SOCIALE-SECRETE" in html) is notes
    assert ("JOURNAL-SECRET" in html) is notes


def test_the_print_stylesheet_leaves_the_navigation_out_and_reveals_nothing():
    css = PRINT_CSS.read_text()
    hidden = css[: css.index("{ display: none !important; }")]
    for selector in ("header", "footer", "nav", ".btn", "form", ".skip-link"):
        assert selector in hidden, selector
    # Print shows what the page shows: no rule makes a hidden element visible, except the print-only line.
    shown = re.findall(r"([^{}]+)\{[^}]*display:\s*(?!none)[a-z-]+", css)
    assert [s.strip() for s in shown] == [".print-only"]
    assert "visually-hidden" not in css.replace(".visually-hidden-focusable", "")


def test_the_household_file_prints_with_the_same_stylesheet(world):
    html = (
        world.client_for("mous")
        .get(reverse("households:detail", args=[world.household_a.pk]))
        .content.decode()
    )
    assert 'media="print"' in html and "relogement/print" in html
