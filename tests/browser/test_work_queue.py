"""Issue 18 §2 in a real browser: the home page is the work queue of the project office and of the
landlord (sections with their totals and links to the pages that show them all), with axe-core's
check of the browser suite (no serious or critical violation). Skipped without /usr/bin/chromium,
except under CI=true where it fails."""

import os
import re

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


def test_home_is_the_work_queue_of_the_social_worker(world, live_server, settings, chromium):  # noqa: F811
    """The social worker's queue: its overdue next steps and its follow-ups due, each with its total
    (not cut at the rows shown) and a link to the page that shows them all, with the same total."""
    import datetime as dt

    from relogement.households.models import NextStep
    from relogement.households.statuses import HouseholdStatus
    from relogement.rehousing.models import Rehousing, RehousingKind

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    today = dt.date.today()
    worker = world.users["social_a"]
    NextStep.objects.bulk_create(
        NextStep(
            household=world.household_a,
            title=f"Relancer {i}",
            due_date=today - dt.timedelta(days=i + 1),
            assignee=worker,
        )
        for i in range(7)
    )
    for i in range(3):  # rehoused 25 months ago: the 6, 12 and 24-month surveys are due
        household = factories.HouseholdFactory(
            building=world.building, social_provider=world.orgs["social_a"], status=HouseholdStatus.REHOUSED
        )
        Rehousing.objects.create(
            household=household,
            kind=RehousingKind.DEFINITIVE,
            move_in_date=today - dt.timedelta(days=25 * 31 + i),
            commune=world.commune,
        )
    journey = FieldJourney(chromium, live_server, world)
    journey.series = "file-de-travail-social"
    journey.axe_problems = []

    page = journey.login_cookie("social_a")
    journey.go(page, reverse("home"))
    steps = page.locator("#file-overdue_step")
    assert "7" in steps.get_by_role("heading").inner_text()
    assert "… et 2 autre(s) (7 étape(s) en tout)" in steps.inner_text()
    followups = page.locator("#file-followup_due")
    total = re.search(r"\d+", followups.locator(".badge").first.text_content()).group()
    assert int(total) >= 9  # three surveys due for each of the three households
    journey.axe(page, "accueil-social")
    with page.expect_navigation():
        steps.get_by_role("link", name="Voir toutes mes étapes en retard").click()
    assert "7 alerte(s) de ce type" in page.content()
    assert page.get_by_role("listitem").filter(has_text="CONC-001 : étape prévue").count() == 7
    journey.axe(page, "alertes-etapes")
    journey.go(page, reverse("home"))
    with page.expect_navigation():
        page.locator("#file-followup_due").get_by_role("link", name="Voir tous les suivis à réaliser").click()
    assert f"{total} suivi(s) à réaliser" in page.content()
    journey.axe(page, "suivis-a-realiser")
    assert journey.axe_problems == [], "\n".join(journey.axe_problems)
    assert journey.problems == [], "\n".join(journey.problems)
