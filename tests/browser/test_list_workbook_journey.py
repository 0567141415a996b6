"""The household list like the workbook (issue 18, point 3) in a real browser: a social worker adds a
column, sorts on it from its header, plans a next step for a ticked household and saves the list under
a name; every page goes through axe-core (no serious or critical violation) and the structure checks
of ``Journey.shot``. Skipped without /usr/bin/chromium (failed under CI=true)."""

import re

import pytest
from django.urls import reverse

from relogement.households.models import NextStep, SavedListFilter
from tests import factories
from tests.browser.test_field_work import chromium, field  # noqa: F401 (fixtures)
from tests.browser.test_rehousing_journey import submit

pytestmark = pytest.mark.browser


def test_social_worker_chooses_a_column_sorts_acts_in_bulk_and_saves_the_list(field, world):  # noqa: F811
    factories.ProposalFactory(household=world.household_a)
    page = field.login_cookie("social_a")
    field.go(page, reverse("households:list"))
    page.locator("#list-columns summary").click()
    page.get_by_label("Propositions", exact=True).check()
    submit(page.get_by_role("button", name="Filtrer"))
    assert page.get_by_role("columnheader", name=re.compile("^Propositions")).count() == 1
    submit(page.get_by_role("link", name=re.compile("^Propositions")))
    assert page.locator('th[aria-sort="ascending"]').count() == 1
    field.axe(page, "liste-colonne-triee")

    page.get_by_label("Sélectionner CONC-001").check()
    page.get_by_label("Étape à planifier").fill("Relancer le bailleur")
    page.get_by_label("Échéance de l'étape").fill("2031-01-15")
    submit(page.get_by_role("button", name="Planifier l'étape"))
    assert "planifiée pour 1 ménage(s)" in page.content()
    assert NextStep.objects.filter(household=world.household_a, title="Relancer le bailleur").exists()
    # Back on the same list: the column and the sort are kept.
    assert page.get_by_role("columnheader", name=re.compile("^Propositions")).count() == 1

    page.get_by_label("Enregistrer la liste actuelle sous le nom").fill("Mes propositions")
    submit(page.get_by_role("button", name="Enregistrer le filtre"))
    saved = SavedListFilter.objects.get(user=world.users["social_a"])
    assert (
        "proposals" in saved.columns and "name" in saved.columns
    )  # the default set, checked, and the one added
    assert page.get_by_role("link", name="Mes propositions").count() == 1
    field.axe(page, "liste-filtre-enregistre")
    assert field.axe_problems == []
    assert field.problems == []


def test_project_office_exports_what_it_sees_and_puts_households_on_a_committee_agenda(field, world):  # noqa: F811
    import csv
    import datetime as dt
    import io
    from pathlib import Path

    from django.utils import timezone

    from relogement.governance.models import Committee

    committee = Committee.objects.create(
        project=world.project,
        organiser=world.orgs["mous"],
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Mairie de quartier",
        created_by=world.users["mous"],
    )
    page = field.login_cookie("mous")
    field.go(page, reverse("households:list"))
    page.locator("#list-columns summary").click()
    page.get_by_label("Prestataire social", exact=True).check()
    submit(page.get_by_role("button", name="Filtrer"))
    shown = [
        h.replace("(trier)", "").strip(" ▲▼\n") for h in page.get_by_role("columnheader").all_inner_texts()
    ]
    shown = [h for h in shown if h]  # the « Tout cocher » column has no name
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    exported = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert exported == shown  # the same columns, in the same order
    assert "Prestataire social" in exported

    page.get_by_label("Sélectionner CONC-001").check()
    page.get_by_label("Sélectionner CONC-002").check()
    page.get_by_label("Comité de relogement").select_option(index=1)
    submit(page.get_by_role("button", name="Inscrire à l'ordre du jour"))
    assert "2 ménage(s) inscrit(s) à l'ordre du jour du comité." in page.inner_text("main")
    assert set(committee.cases.values_list("household__reference", flat=True)) == {"CONC-001", "CONC-002"}
    field.axe(page, "liste-ordre-du-jour")
    # Again: refused as a whole, in French, nothing added twice.
    page.get_by_label("Sélectionner CONC-001").check()
    page.get_by_label("Comité de relogement").select_option(index=1)
    submit(page.get_by_role("button", name="Inscrire à l'ordre du jour"))
    assert "CONC-001 : Ce ménage est déjà à l'ordre du jour." in page.inner_text("main")
    assert committee.cases.count() == 2
    assert field.axe_problems == []
    assert field.problems == []
