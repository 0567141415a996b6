"""The rehousing journey of issue 4 in a real browser (Playwright driving Debian's Chromium).

A landlord agent publishes an offer, a social worker and the project officer position two households,
each is notified a proposal, the first household refuses (reason from the list), the second accepts,
the landlord records the CALEOL allocation, the lease and the move-in; the household page then says
« Relogé » and counts the offer, and the offer is let.

The benefits engine is replaced by the offers tests' stub (openfisca takes ~15 s to warm up; it is
tested against openfisca directly in tests/offers/test_real_engine.py). Screenshots of every step go
to ``$JOURNEY_SCREENSHOTS`` (default /tmp/journey-NN-step.png). Without /usr/bin/chromium the test is
skipped, except under CI=true where it fails.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from relogement.households.statuses import HouseholdStatus
from relogement.matching import residual_rent as matching_rac
from relogement.matching.residual_rent import estimated_residual_rent
from relogement.offers import residual_rent
from relogement.offers.models import HousingOffer, OfferStatus, Proposal, ProposalStatus, RefusalReason
from relogement.rehousing.models import Rehousing
from tests import factories
from tests.offers.conftest import FakeEngine, make_searching

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

# Overridable only to check the skip/fail behaviour on a machine that has Chromium (as test_login_and_lists).
CHROMIUM = Path(os.environ.get("RELOGEMENT_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("JOURNEY_SCREENSHOTS", "/tmp"))
PASSWORD = "demo-relogement"  # tests/factories.py DEMO_PASSWORD
TODAY = dt.date.today()
# Run on every page screenshot: the structure a screen-reader user relies on (CONVENTIONS.md).
A11Y_CHECK = """() => {
  const problems = [];
  const main = document.querySelector("main");
  if (main.querySelectorAll("h1").length !== 1) problems.push("un seul titre h1 attendu");
  let last = 0;
  main.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach((h) => {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) problems.push(`titre ${h.tagName} après h${last} : ${h.textContent.trim()}`);
    last = level;
  });
  main.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((field) => {
    const named = field.labels.length || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!named) problems.push(`champ sans étiquette : ${field.name}`);
  });
  main.querySelectorAll("table").forEach((table) => {
    if (!table.querySelector("caption")) problems.push("tableau sans légende");
    table.querySelectorAll("th:not([scope])").forEach((th) => problems.push(`th sans scope : ${th.textContent.trim()}`));
  });
  main.querySelectorAll("button, a").forEach((control) => {
    if (!control.textContent.trim() && !control.getAttribute("aria-label")) problems.push("bouton ou lien sans texte");
  });
  return problems;
}"""
# Pages of this journey's area: their structure is asserted; other areas' pages are only reported.
OWN_PAGES = ("/offres/", "/relogements/")


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        message = f"Chromium absent ({CHROMIUM}) : test navigateur sauté (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Il est obligatoire sous CI=true.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            # Django's connections are context-local (asgiref): the ORM calls made while Playwright's
            # loop runs opened their own connection, which would stay open and, on PostgreSQL, stop the
            # test database from being dropped ("being accessed by other users").
            connections.close_all()


class Journey:
    """Opens one browser context per persona and records what the browser complains about."""

    def __init__(self, browser, live_server, world):
        self.browser, self.base, self.world = browser, live_server.url, world
        self.step = 0
        self.series = "journey"
        self.problems: list[str] = []
        self.others_problems: list[str] = []

    def _watch(self, page):
        def on_console(message):
            # HTTP errors are asserted where they are expected (a 400 for refused input); what is left is
            # script errors and Content-Security-Policy violations.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                self.problems.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        # data-confirm buttons ask window.confirm(): answer yes, as the user would.
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def login_form(self, persona):
        """Logs in through the login form, as a person would."""
        page = self._watch(
            self.browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
        )
        page.goto(self.base + reverse("login"))
        page.get_by_label("Identifiant").fill(persona)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(self.base + reverse("home"))
        return page

    def login_cookie(self, persona):
        """Faster: a session opened by the test client, its cookie handed to the browser."""
        client = Client()
        client.force_login(self.world.users[persona])
        context = self.browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [
                {
                    "name": name,
                    "value": morsel.value,
                    "url": self.base,
                }
                for name, morsel in client.cookies.items()
            ]
        )
        return self._watch(context.new_page())

    def go(self, page, url):
        response = page.goto(self.base + url)
        assert response is not None and response.status == 200, (url, response and response.status)

    def shot(self, page, name):
        self.step += 1
        page.screenshot(path=str(SCREENSHOTS / f"{self.series}-{self.step:02d}-{name}.png"), full_page=True)
        found = [f"{name}: {problem}" for problem in page.evaluate(A11Y_CHECK)]
        path = page.url.removeprefix(self.base)
        (self.problems if path.startswith(OWN_PAGES) else self.others_problems).extend(found)


def submit(locator):
    """Clicks and waits for the next page to load (POST, redirect, GET): a message already on the
    current page (« Enregistré. ») must not be taken for the answer to this click."""
    with locator.page.expect_navigation():
        locator.click()


def action_form(page, title):
    """The proposal page's form for one action, named by its heading (aria-labelledby)."""
    return page.get_by_role("form", name=title, exact=True)


@pytest.fixture
def journey(world, live_server, settings, chromium, monkeypatch):
    # The live server speaks plain HTTP: secure-only cookies would not come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    monkeypatch.setattr(residual_rent, "_engine", lambda: FakeEngine)
    # The positioning page ranks households by fit: with the estimate here, as the offers' stub.
    monkeypatch.setattr(matching_rac, "default_provider", lambda: (estimated_residual_rent, False))
    make_searching(world.household_a)
    make_searching(world.household_b)
    RefusalReason.objects.create(code="localisation", label="Localisation ne convenant pas")
    RefusalReason.objects.create(code="taille", label="Logement trop petit")
    return Journey(chromium, live_server, world)


def test_full_rehousing_journey_in_the_browser(journey, world):
    # 1. The landlord agent publishes an offer (first with a wrong rent: refused, announced, nothing saved).
    landlord = journey.login_form("landlord")
    journey.go(landlord, reverse("offers:list"))
    submit(landlord.get_by_role("link", name="Publier une offre"))
    assert landlord.get_by_role("heading", level=1).inner_text() == "Publier une offre"
    landlord.get_by_label("Référence").fill("LOG-42")
    landlord.get_by_label("Adresse").fill("12 rue Nationale")
    landlord.get_by_label("Commune").select_option(label=str(world.commune))
    landlord.get_by_label("Typologie").select_option("T3")
    landlord.get_by_label("Surface habitable (m²)").fill("66")
    landlord.get_by_label("Étage").fill("2")
    landlord.get_by_label("Ascenseur").check()
    landlord.get_by_label("Loyer (€)").fill("-410")
    landlord.get_by_label("Charges (€)").fill("85")
    landlord.get_by_label("Financement").select_option("PLUS")
    landlord.get_by_label("Date de mise en service ou de conventionnement").fill("2024-01-15")
    landlord.get_by_label("Réservataire").fill("Action Logement")
    landlord.get_by_label("Disponible à partir du").fill(days_ago(40))
    submit(landlord.get_by_role("button", name="Enregistrer"))
    assert landlord.get_by_role("alert").count() >= 1
    rent = landlord.get_by_label("Loyer (€)")
    assert rent.get_attribute("aria-invalid") == "true"
    assert "négatif" in landlord.locator("#" + rent.get_attribute("aria-describedby")).inner_text()
    journey.shot(landlord, "offre-erreur")
    assert not HousingOffer.objects.exists()
    landlord.get_by_label("Loyer (€)").fill("410")
    submit(landlord.get_by_role("button", name="Enregistrer"))
    landlord.get_by_text("Offre publiée.").wait_for()
    offer = HousingOffer.objects.get()
    assert offer.status == OfferStatus.AVAILABLE and offer.landlord == world.orgs["landlord"]
    assert "Disponible" in landlord.get_by_text("Statut :").inner_text()
    journey.shot(landlord, "offre-publiee")

    # 2. The social worker of provider A positions household A, after looking at the residual rent.
    social = journey.login_cookie("social_a")
    journey.go(social, reverse("offers:list"))
    journey.shot(social, "liste-offres")
    submit(social.get_by_role("link", name="LOG-42 — 12 rue Nationale"))
    submit(social.get_by_role("link", name="Positionner un ménage"))
    social.get_by_label("CONC-001 — Famille Martin").check()
    submit(social.get_by_role("button", name="Voir le reste à charge"))
    social.get_by_role("heading", name="CONC-001 — Famille Martin et ce logement").wait_for()
    assert social.get_by_role("table", name="Reste à charge avant et après (mensuel)").count() == 1
    journey.shot(social, "positionnement-apercu")
    submit(social.get_by_role("button", name="Positionner ce ménage"))
    social.get_by_text("Ménage positionné sur l'offre.").wait_for()
    proposal_a = Proposal.objects.get(household=world.household_a)
    journey.shot(social, "proposition-positionnee")

    # The project officer positions household B (household A is no longer offered for this dwelling).
    mous = journey.login_cookie("mous")
    journey.go(mous, reverse("offers:position", args=[offer.pk]))
    assert mous.get_by_role("radio").count() == 1 and mous.get_by_label("CONC-001").count() == 0
    mous.get_by_label("CONC-002 — Famille Durand").check()
    submit(mous.get_by_role("button", name="Voir le reste à charge"))
    submit(mous.get_by_role("button", name="Positionner ce ménage"))
    mous.get_by_text("Ménage positionné sur l'offre.").wait_for()
    proposal_b = Proposal.objects.get(household=world.household_b)
    journey.go(mous, reverse("offers:detail", args=[offer.pk]))
    assert "Positionnée" in mous.get_by_text("Statut :").inner_text()
    journey.shot(mous, "offre-deux-menages")

    # 3. A proposal is notified to each household.
    journey.go(social, reverse("offers:proposal", args=[proposal_a.pk]))
    form = action_form(social, "Notifier la proposition")
    form.get_by_label("Date de notification").fill(days_ago(20))
    form.get_by_label("Date de visite").fill(days_ago(18))
    form.get_by_label("Date limite de réponse").fill(days_ago(10))
    submit(form.get_by_role("button", name="Notifier la proposition"))
    social.get_by_text("Proposition notifiée au ménage").wait_for()
    journey.shot(social, "proposition-a-notifiee")
    journey.go(mous, reverse("offers:proposal", args=[proposal_b.pk]))
    form = action_form(mous, "Notifier la proposition")
    form.get_by_label("Date de notification").fill(days_ago(19))
    submit(form.get_by_role("button", name="Notifier la proposition"))
    mous.get_by_text("Proposition notifiée au ménage").wait_for()

    # 4. Household A refuses: without a reason the refusal is refused and announced; then with one.
    form = action_form(social, "Refus du ménage")
    form.get_by_label("Date de réponse du ménage").fill(days_ago(15))
    submit(form.get_by_role("button", name="Enregistrer le refus"))
    form = action_form(social, "Refus du ménage")
    form.get_by_role("alert").first.wait_for()
    assert "motivé" in " ".join(form.get_by_role("alert").all_inner_texts())
    # The user lands on the refused field (app.js), marked invalid and pointing to its message.
    reason_field = form.get_by_label("Motif de refus")
    assert social.evaluate("document.activeElement.name") == reason_field.get_attribute("name")
    assert reason_field.get_attribute("aria-invalid") == "true"
    assert "motivé" in social.locator("#" + reason_field.get_attribute("aria-describedby")).inner_text()
    journey.shot(social, "refus-sans-motif")
    proposal_a.refresh_from_db()
    assert proposal_a.status == ProposalStatus.PROPOSED
    form = action_form(social, "Refus du ménage")
    form.get_by_label("Date de réponse du ménage").fill(days_ago(15))
    form.get_by_label("Motif de refus").select_option(label="Localisation ne convenant pas")
    submit(form.get_by_role("button", name="Enregistrer le refus"))
    social.get_by_text("Refus du ménage enregistré").wait_for()
    proposal_a.refresh_from_db()
    assert proposal_a.status == ProposalStatus.REFUSED
    assert proposal_a.refusal_reason_text == "Localisation ne convenant pas"
    journey.shot(social, "proposition-a-refusee")
    # On a phone the page stays usable: one column, nothing wider than the screen.
    social.set_viewport_size({"width": 390, "height": 844})
    assert social.evaluate("document.documentElement.scrollWidth") <= 390
    journey.shot(social, "proposition-a-refusee-telephone")
    journey.go(social, reverse("offers:list"))
    journey.shot(social, "liste-offres-telephone")
    social.set_viewport_size({"width": 1280, "height": 900})

    # 5. Household B accepts.
    form = action_form(mous, "Acceptation du ménage")
    form.get_by_label("Date de réponse du ménage").fill(days_ago(14))
    submit(form.get_by_role("button", name="Enregistrer l'acceptation"))
    mous.get_by_text("Acceptation du ménage enregistrée.").wait_for()
    journey.shot(mous, "proposition-b-acceptee")

    # 6. The landlord records the CALEOL allocation, the lease and the move-in.
    journey.go(landlord, reverse("offers:proposal", args=[proposal_b.pk]))
    form = action_form(landlord, "Commission d'attribution (CALEOL)")
    form.get_by_role("combobox", name="Décision").select_option(label="Attribution")
    form.get_by_label("Date de la CALEOL").fill(days_ago(10))
    journey.shot(landlord, "caleol")
    submit(form.get_by_role("button", name="Enregistrer la décision de la CALEOL"))
    landlord.get_by_text("Décision de la CALEOL enregistrée.").wait_for()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.RESERVED
    form = action_form(landlord, "Signature du bail")
    form.get_by_label("Date de signature du bail").fill(days_ago(5))
    submit(form.get_by_role("button", name="Enregistrer la signature du bail"))
    landlord.get_by_text("Signature du bail enregistrée.").wait_for()
    form = action_form(landlord, "Emménagement")
    form.get_by_label("Date d'emménagement").fill(days_ago(3))
    form.get_by_label("Nature du relogement").select_option(label="Définitif")
    journey.shot(landlord, "emmenagement")
    submit(form.get_by_role("button", name="Enregistrer l'emménagement"))
    landlord.get_by_text("Emménagement enregistré : le relogement est créé.").wait_for()
    rehousing = Rehousing.objects.get()
    assert landlord.url == journey.base + reverse("rehousing:detail", args=[rehousing.pk])
    journey.shot(landlord, "relogement")

    # 7. The household page says « Relogé », counts the offer and shows the rehousing; the offer is let.
    journey.go(mous, reverse("households:detail", args=[world.household_b.pk]))
    assert mous.locator(".badge", has_text="Relogé").first.inner_text() == "Relogé"
    panel = mous.locator("#offres-du-menage")
    assert "Offres conformes notifiées : 1" in panel.inner_text()
    assert panel.get_by_role("link", name="Définitif").count() == 1
    journey.shot(mous, "menage-b-reloge")
    journey.go(mous, reverse("households:detail", args=[world.household_a.pk]))
    panel = mous.locator("#offres-du-menage")
    assert "dont refusées : 1 sur 3" in panel.inner_text()
    assert "Localisation ne convenant pas" in panel.inner_text()
    journey.shot(mous, "menage-a-en-recherche")
    journey.go(mous, reverse("offers:detail", args=[offer.pk]))
    assert "Louée" in mous.get_by_text("Statut :").inner_text()
    journey.shot(mous, "offre-louee")

    # 8. The landlord corrects the APL from the CAF's notification; the metropolis analyst sees the
    # proposal under the household's pseudonym, without any action; the legal deadlines page opens.
    submit(landlord.get_by_role("link", name="Corriger l'APL, la RLS ou l'indemnité ANRU"))
    landlord.get_by_label("APL mensuelle (€)").fill("170")
    journey.shot(landlord, "relogement-correction")
    submit(landlord.get_by_role("button", name="Enregistrer"))
    landlord.get_by_text("Relogement mis à jour.").wait_for()
    rehousing.refresh_from_db()
    assert str(rehousing.apl) == "170.00"
    metropolis = journey.login_cookie("metropolis")
    journey.go(metropolis, reverse("offers:proposal", args=[proposal_b.pk]))
    heading = metropolis.get_by_role("heading", level=1).inner_text()
    assert world.household_b.pseudonym in heading and "Durand" not in heading
    assert metropolis.get_by_text("Aucune action possible pour vous à cette étape.").count() == 1
    journey.shot(metropolis, "proposition-vue-metropole")
    journey.go(mous, reverse("offers:deadlines"))
    journey.shot(mous, "echeances")

    world.household_a.refresh_from_db()
    world.household_b.refresh_from_db()
    offer.refresh_from_db()
    assert world.household_a.status == HouseholdStatus.SEARCHING
    assert world.household_b.status == HouseholdStatus.REHOUSED
    assert offer.status == OfferStatus.LET
    assert journey.problems == []
    if journey.others_problems:
        print("Structure des pages des autres domaines :", *journey.others_problems, sep="\n  ")


def test_landlord_edits_then_withdraws_an_offer(journey, world):
    journey.series = "journey-retrait"
    offer = factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, reference="LOG-7", address="3 rue Solférino"
    )
    landlord = journey.login_cookie("landlord")
    journey.go(landlord, reverse("offers:detail", args=[offer.pk]))
    submit(landlord.get_by_role("link", name="Modifier"))
    assert landlord.get_by_label("Loyer (€)").input_value() == "430.00"
    landlord.get_by_label("Loyer (€)").fill("445")
    journey.shot(landlord, "offre-modification")
    submit(landlord.get_by_role("button", name="Enregistrer"))
    landlord.get_by_text("Offre modifiée.").wait_for()
    offer.refresh_from_db()
    assert str(offer.rent) == "445.00"

    # Withdrawing asks for confirmation (app.js, data-confirm) and a reason.
    dialogs = []
    landlord.on("dialog", lambda dialog: dialogs.append(dialog.message))
    form = landlord.get_by_role("form", name="Retirer l'offre")
    form.get_by_label("Motif").fill("Logement vendu")
    submit(form.get_by_role("button", name="Retirer l'offre"))
    landlord.get_by_text("Offre retirée.").wait_for()
    assert dialogs and "Retirer cette offre" in dialogs[0]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert "Retirée" in landlord.get_by_text("Statut :").inner_text()
    assert landlord.get_by_role("link", name="Modifier").count() == 0
    journey.shot(landlord, "offre-retiree")

    # The list filters withdrawn offers out on demand.
    journey.go(landlord, reverse("offers:list"))
    landlord.get_by_label("Statut").select_option(label="Disponible")
    submit(landlord.get_by_role("button", name="Filtrer"))
    landlord.get_by_text("Aucune offre ne correspond.").wait_for()
    journey.shot(landlord, "liste-filtree")
    assert journey.problems == []


def test_positioning_a_household_whose_id_has_four_digits(journey, world):
    # French number formatting (USE_THOUSAND_SEPARATOR) once turned id 12345 into "12 345" in the
    # positioning form's hidden field: the household was then refused as « not one of the choices ».
    journey.series = "journey-identifiant"
    household = factories.HouseholdFactory(
        pk=12345, building=world.building, social_provider=world.orgs["social_a"], reference="CONC-999"
    )
    make_searching(household)
    offer = factories.HousingOfferFactory(landlord=world.orgs["landlord"], commune=world.commune)
    social = journey.login_cookie("social_a")
    journey.go(social, reverse("offers:position", args=[offer.pk]))
    social.locator('input[type=radio][value="12345"]').check()
    submit(social.get_by_role("button", name="Voir le reste à charge"))
    submit(social.get_by_role("button", name="Positionner ce ménage"))
    social.get_by_text("Ménage positionné sur l'offre.").wait_for()
    assert Proposal.objects.get(offer=offer).household_id == 12345
    journey.go(social, reverse("offers:detail", args=[offer.pk]))
    assert social.get_by_role("region", name="CONC-999").count() == 1  # aria-labelledby="pos-<id>" resolves
    journey.shot(social, "offre")
    assert journey.problems == []
