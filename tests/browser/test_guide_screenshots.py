"""The screenshots of the user guides (docs/guide/*.md), taken from the demo data, on demand only.

``make guide-screenshots`` sets RELOGEMENT_GUIDE=1 and runs this file: the demo data is generated
(``load_demo``, a small volume, fixed seed), each persona of the demo signs in and the pages its guide
describes are captured at 1280 px wide, then reduced to a 256-colour palette (Pillow) and written to
docs/guide/img/. The images are documentation: they are committed. Without RELOGEMENT_GUIDE=1 the test
is skipped (it takes minutes and rewrites committed files).
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser.test_rehousing_journey import CHROMIUM, LAUNCH_ARGS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.guide]

GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
WIDTH, HEIGHT = 1280, 800
MAX_BYTES = 250_000
DEMO_HOUSEHOLDS = int(os.environ.get("GUIDE_HOUSEHOLDS", "150"))


def _first_household_url(page) -> str:
    page.goto("/".join(page.url.split("/", 3)[:3]) + reverse("households:list"))
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next(h for h in hrefs if re.fullmatch(r"/menages/\d+/", h or ""))


def _committee_summary_url(username: str) -> str:
    from relogement.accounts.models import Membership
    from relogement.governance.models import CommitteeCase

    organisation = Membership.objects.filter(user__username=username).first().organisation
    case = (
        CommitteeCase.objects.filter(committee__project__in=organisation.projects.all())
        .order_by("pk")
        .first()
    )
    return reverse("governance:case_summary", args=[case.committee_id, case.pk]) if case else ""


def _plan():
    """Per persona of the demo (load_demo): (image name, URL or a function of the open page giving it)."""
    return {
        "metropole": [
            ("metropole-tableau-de-bord", reverse("indicators:dashboard")),
            ("metropole-carte", reverse("indicators:map")),
        ],
        "commune": [
            ("commune-accueil", reverse("home")),
            ("commune-menages", reverse("households:list")),
        ],
        "mous": [
            ("mous-accueil", reverse("home")),
            ("mous-fiche-menage", _first_household_url),
            ("mous-fiche-comite", lambda page: _committee_summary_url("mous")),
        ],
        "social-a": [
            ("prestataire-accueil", reverse("home")),
            ("prestataire-fiche-menage", _first_household_url),
        ],
        "bailleur": [
            ("bailleur-offres", reverse("offers:list")),
            ("bailleur-caleol", reverse("governance:index")),
        ],
        "admin": [
            ("admin-accueil", reverse("home")),
            ("admin-glossaire", reverse("core:glossary")),
        ],
    }


def _optimise(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)


@pytest.fixture
def demo(db):
    if os.environ.get("RELOGEMENT_GUIDE") != "1":
        pytest.skip("Captures du guide : à la demande seulement (make guide-screenshots).")
    call_command("load_demo", households=DEMO_HOUSEHOLDS, seed=2024, stdout=io.StringIO())


def test_guide_screenshots(demo, live_server, settings):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium absent ({CHROMIUM}) : les captures du guide ne peuvent pas être prises.")
    from django.contrib.auth import get_user_model
    from django.test import Client
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    GUIDE_IMG.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            for username, pages in _plan().items():
                client = Client()
                client.force_login(get_user_model().objects.get(username=username))
                context = browser.new_context(locale="fr-FR", viewport={"width": WIDTH, "height": HEIGHT})
                context.add_cookies(
                    [{"name": n, "value": m.value, "url": live_server.url} for n, m in client.cookies.items()]
                )
                page = context.new_page()
                for name, target in pages:
                    url = target(page) if callable(target) else target
                    assert url, f"{name} : aucune page à capturer dans les données de démonstration"
                    response = page.goto(live_server.url + url)
                    assert response is not None and response.status == 200, (
                        name,
                        url,
                        response and response.status,
                    )
                    path = GUIDE_IMG / f"{name}.png"
                    page.screenshot(path=str(path))
                    _optimise(path)
                    written.append(path)
                context.close()
        finally:
            browser.close()
    from PIL import Image

    for path in written:
        with Image.open(path) as image:
            assert image.width == WIDTH, path
        assert path.stat().st_size < MAX_BYTES, (path, path.stat().st_size)
