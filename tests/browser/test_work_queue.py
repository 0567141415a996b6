"""Issue 18 §2 in a real browser: the home page is the work queue of the project office and of the
landlord (sections with their totals and links to the pages that show them all), with axe-core's
check of the browser suite (no serious or critical violation). Skipped without /usr/bin/chromium,
except under CI=true where it fails."""

import os

import pytest
from django.urls import reverse

from relogement.offers.models import HousingOffer, OfferStatus
from tests import factories
from tests.browser.test_field_work import FieldJourney, chromium  # noqa: F401 (the fixture)
from tests.projects.test_work_queue import _pipeline

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def test_home_is_the_work_queue_of_the_project_office_and_the_landlord(
    world,
    live_server,
    settings,
    chromium,  # noqa: F811
):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    _pipeline(world)
    for _ in range(6):
        factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, status=OfferStatus.POSITIONED
    )
    journey = FieldJourney(chromium, live_server, world)
    journey.series = "file-de-travail"
    journey.axe_problems = []

    mous = journey.login_cookie("mous")
    journey.go(mous, reverse("home"))
    queue = mous.get_by_role("region", name="À faire")
    assert queue.get_by_role("heading", name="Propositions acceptées en attente de CALEOL").count() == 1
    assert "CONC-001 : délai de réponse dépassé" in queue.inner_text()
    journey.axe(mous, "accueil-mous")
    # Each section leads to the page that shows them all, with the same count.
    with mous.expect_navigation():
        mous.locator("#file-proposition-caleol").get_by_role("link", name="Voir ces ménages").click()
    assert "proposition=caleol" in mous.url
    assert "CONC-002" in mous.content() and "CONC-001" not in mous.content()

    landlord = journey.login_cookie("landlord")
    journey.go(landlord, reverse("home"))
    section = landlord.locator("#file-offres-sans-candidat")
    # The pipeline's offers are still « Disponible » (made by the factory, not the state machine).
    available = HousingOffer.objects.filter(landlord=world.orgs["landlord"], status=OfferStatus.AVAILABLE)
    total = available.count()
    assert total == 11
    assert f"{total}" in section.get_by_role("heading").inner_text()
    assert f"… et {total - 5} autre(s)" in section.inner_text()
    journey.axe(landlord, "accueil-bailleur")
    with landlord.expect_navigation():
        section.get_by_role("link", name="Voir ces offres").click()
    assert landlord.get_by_label("Mes offres seulement").is_checked()

    assert journey.axe_problems == [], "\n".join(journey.axe_problems)
    assert journey.problems == [], "\n".join(journey.problems)
    # The structure check of Journey.shot files the home page among the « others' » pages.
    mine = [p for p in journey.others_problems if p.startswith("accueil")]
    assert mine == [], "\n".join(mine)
