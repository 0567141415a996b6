"""Keyboard-only journeys (issue 18, point 4): Tab, Enter and Escape, no mouse.

A social worker opens the household file, adds a member (an empty form is refused: the focus lands on
the first refused field, which points at its message; then saved: the focus goes back to the section's
heading, described by « Membre enregistré : … »), opens the composition form and leaves it with
Escape (nothing saved, focus back on the button that opened it). She positions the household on an
offer and records its refusal (first without a reason: the focus lands on the reason; « Autre » is the
last reason offered); after each full page, the focus is on the message of what was saved. The menu links show a focus ring of at least 2 px.

Values are typed on the keyboard into the focused field; nothing is clicked. Without /usr/bin/chromium
the tests are skipped, except under CI=true where they fail.
"""

import datetime as dt
import os

import pytest
from django.urls import reverse

from relogement.households.models import HouseholdMember
from relogement.offers import residual_rent, services
from relogement.offers.models import Proposal, ProposalStatus, RefusalReason
from tests import factories
from tests.browser.test_rehousing_journey import Journey
from tests.browser.test_rehousing_journey import chromium as chromium  # noqa: F401 (fixture)
from tests.matching.test_views import estimated_rents, plan_scene, scene  # noqa: F401 (fixtures)
from tests.offers.conftest import FakeEngine, make_searching

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const e = document.activeElement;
  const labels = e.labels && e.labels.length ? Array.from(e.labels).map((l) => l.textContent).join(" ") : "";
  const text = (labels || e.getAttribute("aria-label") || e.textContent || "").replace(/\\s+/g, " ").trim();
  return {tag: e.tagName, id: e.id, name: e.getAttribute("name") || "", text: text,
          invalid: e.getAttribute("aria-invalid"), describedby: e.getAttribute("aria-describedby") || ""};
}"""


@pytest.fixture
def keyboard(world, live_server, settings, chromium, monkeypatch):  # noqa: F811
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    monkeypatch.setattr(residual_rent, "_engine", lambda: FakeEngine)
    journey = Journey(chromium, live_server, world)
    journey.series = "clavier"
    return journey


def shot(journey, page, name):
    """Journey.shot, then the empty style="" that Playwright's screenshot leaves on every field (it hides
    the caret through their style) removed: htmx's settle would copy them onto the swapped-in fields, which
    the Content-Security-Policy refuses (a harness artefact, not the application's)."""
    journey.shot(page, name)
    page.evaluate("document.querySelectorAll('[style=\"\"]').forEach((e) => e.removeAttribute('style'))")


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 250) -> dict:
    """Presses Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return active(page)
    raise AssertionError(f"{selector} jamais atteint au clavier (dernier focus : {active(page)})")


def wait_focus(page, selector: str):
    page.wait_for_function("(s) => document.activeElement && document.activeElement.matches(s)", arg=selector)
    return active(page)


READ = """() => {
  const e = document.activeElement;
  const described = (e.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ");
  return (e.textContent + " " + described).replace(/\\s+/g, " ");
}"""


def wait_read(page, text: str):
    """What a screen reader says on the focused element (its text and description) includes ``text``."""
    try:
        page.wait_for_function(f"(t) => ({READ})().includes(t)", arg=text, timeout=5000)
    except Exception as error:
        raise AssertionError(f"« {text} » non lu ({page.url}) ; lu : « {page.evaluate(READ)} »") from error


def type_date(page, day: dt.date):
    """Types a date into the focused date field. Chromium orders the segments by its own language (not
    the page's): day first, else month first, checked on the field's value."""
    for order in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(order))
        value = page.evaluate("document.activeElement.value")
        if value == day.isoformat():
            return
        # The day, month and year are tab stops of their own: back to the first, to type over.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
    raise AssertionError(
        f"date {day} non saisie au clavier : {page.evaluate('document.activeElement.value')!r}"
    )


RING_CONTRAST = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = e.parentElement, back = [255, 255, 255];
  for (; node; node = node.parentElement) {  // the ring sits outside the element: its parent's background
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { back = c; break; }
  }
  const [a, b] = [lum(rgb(s.outlineColor)), lum(back)].sort((x, y) => y - x);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), contrast: (a + 0.05) / (b + 0.05)};
}"""


def enter_and_load(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_household_file_by_keyboard(keyboard, world):
    household = world.household_a
    page = keyboard.login_cookie("social_a")
    # The potential rights section is loaded by the page itself (htmx, on load): held back until the
    # user has moved, then let through.
    held = []
    rights = reverse("benefits:potential_rights", args=[household.pk])
    page.route(f"**{rights}", lambda route: held.append(route))
    keyboard.go(page, reverse("households:detail", args=[household.pk]))

    # The main menu's links: a focus ring of at least 2 px, not the browser's default thin one.
    tab_to(page, "nav[aria-label='Navigation principale'] a.nav-link")
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }"
    )
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert page.evaluate(RING_CONTRAST)["contrast"] >= 3

    # An update the user did not ask for (the section loaded after the page) leaves the focus where it
    # is, and Escape does not take the loaded section back to its placeholder.
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "la section des droits potentiels n'a pas été demandée"
    held[0].continue_()
    page.wait_for_function(
        "() => !document.querySelector('#section-droits').textContent.includes('Calcul en cours')"
    )
    page.wait_for_timeout(300)  # htmx settles after the swap
    assert page.evaluate(
        "document.activeElement.matches('nav[aria-label=\"Navigation principale\"] a.nav-link')"
    ), active(page)
    page.evaluate(
        "() => { const h = document.querySelector('#section-droits h2'); h.tabIndex = -1; h.focus(); }"
    )
    page.keyboard.press("Escape")
    assert "Calcul en cours" not in page.locator("#section-droits").inner_text()

    # Add a member: the form opens in place, the focus on its heading.
    tab_to(page, "#section-membres a[hx-get]")
    assert "Ajouter un membre" in active(page)["text"]
    # A link of the page's content: a ring of at least 2 px, 3:1 against the white page at least.
    ring = page.evaluate(RING_CONTRAST)
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["contrast"] >= 3, ring
    page.keyboard.press("Enter")
    wait_focus(page, "#section-membres h2")
    assert page.locator("#section-membres form").count() == 1
    shot(keyboard, page, "membre-formulaire")

    # Sent empty: refused, the focus on the first refused field, which names its message.
    tab_to(page, "#section-membres button[type=submit]")
    page.keyboard.press("Enter")
    focused = wait_focus(page, "#section-membres [aria-invalid='true']")
    assert focused["name"] == "first_name", focused
    message = page.locator(f"#{focused['describedby'].split()[-1]}").inner_text()
    assert "obligatoire" in message
    shot(keyboard, page, "membre-erreurs")
    assert not HouseholdMember.objects.filter(household=household).exists()

    page.keyboard.type("Léa")
    tab_to(page, "#section-membres [name=last_name]")
    page.keyboard.type("Martin")
    tab_to(page, "#section-membres button[type=submit]")
    page.keyboard.press("Enter")
    # Back on the section's heading, described by the message: « Membres du ménage, Membre enregistré… ».
    assert wait_focus(page, "#section-membres h2")["text"] == "Membres du ménage"
    wait_read(page, "Membre enregistré : Léa Martin.")
    assert HouseholdMember.objects.filter(household=household, first_name="Léa", last_name="Martin").exists()
    shot(keyboard, page, "membre-enregistre")

    # The composition form, left with Escape: nothing saved, focus back on « Modifier ».
    household.refresh_from_db()
    version = household.version
    tab_to(page, "#section-composition a[hx-get]", backwards=True)
    page.keyboard.press("Enter")
    wait_focus(page, "#section-composition h2")
    page.keyboard.press("Tab")
    assert page.locator("#section-composition form").count() == 1
    page.keyboard.press("Escape")
    focused = wait_focus(page, "#section-composition a[hx-get]")
    assert "Modifier" in focused["text"]
    assert page.locator("#section-composition form").count() == 0
    household.refresh_from_db()
    assert household.version == version
    assert keyboard.problems == [], "\n".join(keyboard.problems)


def test_positioning_and_refusal_by_keyboard(keyboard, world):
    household = make_searching(world.household_a)
    RefusalReason.objects.create(code="autre", label="Autre motif")
    RefusalReason.objects.create(code="taille", label="Logement trop petit")
    RefusalReason.objects.create(code="localisation", label="Localisation ne convenant pas")
    offer = factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, reference="LOG-9", address="9 rue Faidherbe"
    )
    page = keyboard.login_cookie("social_a")

    # Positioning: choose the household in the ranked list with the arrow keys, preview, confirm.
    keyboard.go(page, reverse("offers:position", args=[offer.pk]))
    tab_to(page, "input[type=radio][name=household]")
    for _ in range(20):  # arrows move the choice within the radio group
        if page.evaluate("document.activeElement.value") == str(household.pk):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.value") == str(household.pk)
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "main form[aria-label='Choisir le ménage'] button[type=submit]")
    enter_and_load(page)
    tab_to(page, "main form[method=post] button[type=submit]")
    enter_and_load(page)
    wait_read(page, "Ménage positionné sur l'offre.")
    proposal = Proposal.objects.get(offer=offer, household=household)
    shot(keyboard, page, "positionne")

    # The proposal is notified (not this journey's subject), then the household's refusal is recorded.
    services.proposal_notify(
        proposal=proposal, actor=world.users["mous"], notified_date=dt.date.today() - dt.timedelta(days=5)
    )
    keyboard.go(page, reverse("offers:proposal", args=[proposal.pk]))
    refusal = "form[aria-labelledby='action-refuse']"
    tab_to(page, f"{refusal} input[name='refuse-answer_date']")
    type_date(page, dt.date.today() - dt.timedelta(days=2))
    tab_to(page, f"{refusal} button[type=submit]")
    enter_and_load(page)
    focused = wait_focus(page, f"{refusal} [aria-invalid='true']")
    assert focused["name"] == "refuse-refusal_reason", focused
    assert "motivé" in page.locator(f"#{focused['describedby'].split()[-1]}").inner_text()
    options = page.locator(f"{refusal} select[name='refuse-refusal_reason'] option").all_inner_texts()
    assert options[-1] == "Autre motif" and options[1:-1] == sorted(options[1:-1]), options
    shot(keyboard, page, "refus-sans-motif")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    page.keyboard.press("ArrowDown")  # the first reason, « Localisation ne convenant pas »
    tab_to(page, f"{refusal} button[type=submit]")
    enter_and_load(page)
    wait_read(page, "Refus du ménage enregistré")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REFUSED
    assert proposal.refusal_reason_text == "Localisation ne convenant pas"
    shot(keyboard, page, "refus-enregistre")
    assert keyboard.problems == [], "\n".join(keyboard.problems)


def test_allocation_plan_pin_by_keyboard(keyboard, world, plan_scene):  # noqa: F811
    """« Épingler » redraws the whole plan (hx-swap="outerHTML"): the focus, gone with the old plan, is
    given to the new one, which says what was done."""
    page = keyboard.login_cookie("mous")
    keyboard.go(page, reverse("matching:plan"))
    tab_to(page, "#plan-body button[value=pin]")
    page.keyboard.press("Enter")
    wait_focus(page, "#plan-body, #plan-body *")
    wait_read(page, "Paire épinglée : le plan est recalculé autour d'elle.")
    assert page.locator("#plan-body button[value=unpin]").count() == 1
    assert keyboard.problems == [], "\n".join(keyboard.problems)
