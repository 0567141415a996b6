"""The field's daily work of issue 14 in a real browser (Playwright driving Debian's Chromium).

The project office (MOUS) censuses a household in a new dwelling (members, resources, SNE number); the
possible duplicates are shown before anything is written and it confirms « Ce n'est pas un doublon »;
it adds a private-stock building to its project, links two files on the duplicates page and undoes it,
then records a direct rehousing and the household says « Relogé ». A social provider uploads a PDF to
its household's file, downloads it, and a disguised file is refused next to the field.

Every page of these journeys is checked with axe-core (npm package ``axe-core``, read from
node_modules, never from a CDN): no serious or critical violation. Screenshots go to
``$JOURNEY_SCREENSHOTS`` (default /tmp/field-NN-step.png). Without /usr/bin/chromium the tests are
skipped, except under CI=true where they fail.
"""

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.urls import reverse

from relogement.documents.models import HouseholdDocument
from relogement.duplicates.models import DuplicateDecision
from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.projects.models import Building
from relogement.rehousing.models import Rehousing
from tests.browser.test_rehousing_journey import CHROMIUM, LAUNCH_ARGS, Journey, submit
from tests.offers.conftest import make_searching

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SNE = "0591224000123AB12C"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A Windows executable's first bytes, named as a PDF.
DISGUISED = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8
DUPLICATE_IDS = """() => {
  const seen = new Map();
  document.querySelectorAll("[id]").forEach((e) => seen.set(e.id, (seen.get(e.id) || 0) + 1));
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `identifiant en double : ${id} (${n} fois)`);
}"""


class FieldJourney(Journey):
    """Journey whose every checked page also goes through axe-core."""

    def axe(self, page, name):
        """Screenshot, structure check (Journey.shot) and axe-core: serious and critical violations are
        collected with the page and the offending elements."""
        self.shot(page, name)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluate() is not an inline script: the Content-Security-Policy does not apply to it.
            page.evaluate(AXE.read_text())
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
        )
        self.axe_problems.extend(f"{name} ({page.url}): {json.dumps(v, ensure_ascii=False)}" for v in result)
        # axe's colour checks leave empty style="" attributes behind; htmx's settle would copy them onto
        # the swapped-in fields, which the Content-Security-Policy refuses (a harness artefact, not the app's).
        page.evaluate("document.querySelectorAll('[style=\"\"]').forEach((e) => e.removeAttribute('style'))")
        # Two forms of one page with the same field name (the file's sections) must not share an id: the
        # label of the second would name the first one's field.
        self.axe_problems.extend(
            f"{name} ({page.url}): {problem}" for problem in page.evaluate(DUPLICATE_IDS)
        )


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        message = f"Chromium absent ({CHROMIUM}) : test navigateur sauté (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Il est obligatoire sous CI=true.")
        pytest.skip(message)
    if not AXE.exists():
        pytest.fail(f"axe-core absent ({AXE}) : npm ci l'installe (package.json).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # see test_rehousing_journey.chromium


@pytest.fixture
def field(world, live_server, settings, chromium):
    # The live server speaks plain HTTP: secure-only cookies would not come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    journey = FieldJourney(chromium, live_server, world)
    journey.series = "field"
    journey.axe_problems = []
    return journey


def fill_member(page, row, **values):
    member = page.get_by_role("group", name=f"Membre {row}", exact=True)
    for label, value in values.items():
        # Required fields are named « Nom (obligatoire) »; « Nom » alone would also match « Prénom ».
        field = member.get_by_label(re.compile("^" + re.escape(label) + "( |$)"))
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)


def test_project_office_census_building_duplicates_and_direct_rehousing(field, world):
    mous = field.login_cookie("mous")
    # Two files already carry the SNE number the new household will give: possible duplicates.
    Household.objects.filter(pk__in=[world.household_a.pk, world.household_b.pk]).update(sne_number=SNE)

    # 1. Census from the household list, in a new dwelling of building BAT-A.
    field.go(mous, reverse("households:list"))
    submit(mous.get_by_role("link", name="Recenser un ménage"))
    field.axe(mous, "recenser-choix-batiment")
    mous.get_by_label("Bâtiment").select_option(label="Lille-Concorde — BAT-A" + _address(world.building))
    submit(mous.get_by_role("button", name="Continuer"))
    assert mous.get_by_role("heading", level=1).inner_text() == "Recenser un ménage"
    mous.get_by_label("Référence du ménage").fill("CONC-050")
    mous.get_by_label("Prestataire social").select_option(label="Prestataire A")
    mous.get_by_label("Numéro unique SNE").fill(SNE)
    mous.get_by_label("Nouveau logement : référence").fill("BAT-A-0412")
    mous.get_by_label("Nouveau logement : typologie").select_option("T3")
    mous.get_by_label("Nouveau logement : surface habitable (m²)").fill("64")
    mous.get_by_label("Nouveau logement : étage").fill("4")
    mous.get_by_label("Loyer avant (€ par mois)").fill("420")
    mous.get_by_label("Charges avant (€ par mois)").fill("80")
    fill_member(mous, 1, **{"Nom": "Benali", "Prénom": "Samia", "Date de naissance": "1981-05-02"})
    fill_member(
        mous,
        2,
        **{
            "Nom": "Benali",
            "Prénom": "Yanis",
            "Date de naissance": "2010-09-14",
            "Lien avec la personne de référence": "Enfant",
        },
    )
    mous.get_by_label("Salaires (€ par mois)").fill("1450")
    field.axe(mous, "recenser-formulaire")
    submit(mous.get_by_role("button", name="Enregistrer le ménage"))
    # The possible duplicates come first; nothing is written.
    warning = mous.get_by_role("alert").filter(has_text="Doublons possibles")
    assert "CONC-001" in warning.inner_text() and "CONC-002" in warning.inner_text()
    assert not Household.objects.filter(reference="CONC-050").exists()
    field.axe(mous, "recenser-doublons")
    mous.get_by_label("Ce n'est pas un doublon").check()
    submit(mous.get_by_role("button", name="Enregistrer le ménage"))
    mous.get_by_text("Ménage CONC-050 recensé.").wait_for()
    household = Household.objects.get(reference="CONC-050")
    assert mous.url == field.base + reverse("households:detail", args=[household.pk])
    assert household.members.count() == 2 and household.sne_number == SNE
    assert household.origin_dwelling.reference == "BAT-A-0412"
    field.axe(mous, "fiche-recensee")

    # 2. A private-stock building (RHI operation, no social landlord) on the project page.
    field.go(mous, reverse("project_detail", args=[world.project.pk]))
    submit(mous.get_by_role("link", name="Ajouter un bâtiment"))
    field.axe(mous, "batiment-formulaire")
    mous.get_by_label("Référence du bâtiment").fill("RHI-7")
    mous.get_by_label("Adresse").fill("7 rue des Postes")
    mous.get_by_label("Commune").select_option(label=str(world.commune))
    mous.get_by_label("Ou propriétaire (parc privé)").fill("SCI des Postes")
    mous.get_by_label("Nombre de logements").fill("6")
    mous.get_by_label("Ou nouvelle opération : nom").fill("RHI Postes")
    mous.get_by_label("Nouvelle opération : nature").select_option("rhi")
    submit(mous.get_by_role("button", name="Enregistrer le bâtiment"))
    mous.get_by_text("Bâtiment RHI-7 ajouté.").wait_for()
    building = Building.objects.get(reference="RHI-7")
    assert building.landlord_id is None
    field.axe(mous, "batiment-ajoute")

    # 3. The duplicates page: link CONC-001 and CONC-002, then undo it.
    field.go(mous, reverse("duplicates:pairs"))
    field.axe(mous, "doublons")
    row = mous.get_by_role("row").filter(has_text="CONC-001").filter(has_text="CONC-002")
    submit(row.get_by_role("button", name="Lier les dossiers"))
    decision = DuplicateDecision.objects.get(decision="linked")
    assert decision.undone_at is None
    field.go(mous, reverse("households:detail", args=[world.household_a.pk]))
    assert mous.get_by_text("Dossier lié : CONC-002").count() == 1  # in the file's header
    assert "Dossiers liés avec CONC-002" in mous.locator("#section-doublons").inner_text()
    field.go(mous, reverse("duplicates:pairs") + "?vue=decisions")
    field.axe(mous, "doublons-decisions")
    submit(mous.get_by_role("link", name="Annuler la décision sur CONC-001 et CONC-002"))
    field.axe(mous, "doublon-annulation")
    mous.get_by_label("Motif de l'annulation").fill("Deux ménages distincts : homonymes")
    submit(mous.get_by_role("button", name="Annuler la décision"))
    decision.refresh_from_db()
    assert decision.undone_at is not None

    # 4. A direct rehousing in the private stock: the household says « Relogé ».
    make_searching(world.household_a)
    field.go(mous, reverse("households:detail", args=[world.household_a.pk]))
    submit(mous.get_by_role("link", name="Enregistrer un relogement"))
    field.axe(mous, "relogement-direct")
    mous.get_by_label("Nature du relogement").select_option(label="Définitif")
    mous.get_by_label("Date d'emménagement").fill((dt.date.today() - dt.timedelta(days=2)).isoformat())
    mous.get_by_label("Bailleur ou propriétaire (texte)").fill("M. Lefebvre")
    mous.get_by_label("Commune").select_option(label=str(world.commune))
    mous.get_by_label("Adresse").fill("3 rue Gambetta")
    mous.get_by_label("Loyer mensuel (€)").fill("520")
    submit(mous.get_by_role("button", name="Enregistrer"))
    mous.get_by_text("Relogement enregistré : le statut du ménage est mis à jour.").wait_for()
    assert Rehousing.objects.filter(household=world.household_a).count() == 1
    field.go(mous, reverse("households:detail", args=[world.household_a.pk]))
    assert mous.locator(".badge", has_text="Relogé").first.inner_text() == "Relogé"
    world.household_a.refresh_from_db()
    assert world.household_a.status == HouseholdStatus.REHOUSED

    assert field.axe_problems == []
    assert field.problems == [], "\n".join(field.problems)


def test_social_provider_uploads_downloads_and_is_refused_a_disguised_file(field, world, tmp_path):
    field.series = "field-documents"
    social = field.login_cookie("social_a")
    field.go(social, reverse("households:detail", args=[world.household_a.pk]))
    section = social.locator("#section-documents")
    section.get_by_role("link", name="Ajouter un document").click()  # htmx: the form replaces the section
    section.get_by_role("button", name="Déposer le document").wait_for()
    field.axe(social, "document-formulaire")

    # A disguised file: the French message next to the field, nothing written.
    fake = tmp_path / "avis-imposition.pdf"
    fake.write_bytes(DISGUISED)
    section.get_by_label("Type de document").select_option(index=1)
    section.get_by_label("Intitulé").fill("Avis d'imposition 2025")
    section.get_by_label("Fichier").set_input_files(str(fake))
    section.get_by_role("button", name="Déposer le document").click()
    file_field = section.get_by_label("Fichier")
    social.wait_for_function("() => document.querySelector('#section-documents [aria-invalid=true]')")
    assert file_field.get_attribute("aria-invalid") == "true"
    message = social.locator("#" + file_field.get_attribute("aria-describedby").split()[0]).inner_text()
    assert "PDF" in message, message
    assert not HouseholdDocument.objects.exists()
    field.axe(social, "document-refuse")

    # A real PDF: listed, then downloaded.
    real = tmp_path / "avis-imposition-2025.pdf"
    real.write_bytes(PDF)
    section.get_by_label("Type de document").select_option(index=1)
    section.get_by_label("Intitulé").fill("Avis d'imposition 2025")
    section.get_by_label("Fichier").set_input_files(str(real))
    section.get_by_role("button", name="Déposer le document").click()
    link = section.get_by_role("link", name="Avis d'imposition 2025")
    link.wait_for()
    document = HouseholdDocument.objects.get()
    assert document.household_id == world.household_a.pk
    field.axe(social, "document-depose")
    with social.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert Path(download.path()).read_bytes() == PDF
    assert download.suggested_filename.endswith(".pdf")

    assert field.axe_problems == []
    assert field.problems == [], "\n".join(field.problems)


def _address(building):
    return f" ({building.address})" if building.address else ""
