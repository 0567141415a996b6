"""Exports show what the pages show, field by field, for every role and every format.

A household with every field filled (and a second one, exited, for the exit reason) is read as each
persona on its pages (household file, rehousing, post-rehousing follow-up, building) and in each
export: the exchange format (zip of CSV, XLSX, ODS) and the household list (CSV, XLSX). For every
column, the export holds a value exactly when a page shows it to that role.
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.core.formatting import format_euros
from relogement.exchange.columns import MENAGES_COLUMNS
from relogement.followup.models import FollowUp
from relogement.households.models import HouseholdStatusChange, NextStep
from relogement.households.statuses import ExitReason
from relogement.households.statuses import HouseholdStatus as S
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind
from tests import factories
from tests.spreadsheets import csv_dicts, ods_dicts, xlsx_dicts, zip_members

ROLES = ("metropolis", "commune", "mous", "social_a", "landlord")
HIDDEN = "Information non communiquée"


def _text(content: bytes) -> str:
    """A page as plain text: tags replaced by spaces, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content.decode()))).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _history(household, *steps):
    HouseholdStatusChange.objects.filter(household=household).delete()
    previous = ""
    for status, date in steps:
        HouseholdStatusChange.objects.create(
            household=household, from_status=previous, to_status=status, effective_date=date
        )
        previous = status


@pytest.fixture
def full(world):
    """CONC-050: every field of the exchange format and of the household list filled, with values
    that appear nowhere else; CONC-051: exited, for the exit reason."""
    household = factories.HouseholdFactory(
        building=world.building,
        social_provider=world.orgs["social_a"],
        referent=world.users["social_a"],
        reference="CONC-050",
        reference_name="Famille Zéphyrin",
        split_from=world.household_a,
        status=S.REHOUSED,
        census_date=dt.date(2023, 1, 10),
        household_type="couple_avec_enfants",
        adults_count=2,
        children_count=3,
        reference_age=47,
        reduced_mobility=True,
        monthly_resources=Decimal("1357.91"),
        rent_before=Decimal("413.27"),
        charges_before=Decimal("61.19"),
        apl_before=Decimal("187.43"),
        rls_before=Decimal("39.71"),
        origin_dwelling_type="T4",
        origin_living_area=Decimal("71.50"),
        with_history=False,
    )
    _history(
        household,
        (S.TO_DIAGNOSE, dt.date(2023, 1, 10)),
        (S.SEARCHING, dt.date(2023, 2, 1)),
        (S.REHOUSED, dt.date(2024, 5, 15)),
    )
    rehousing = Rehousing.objects.create(
        household=household,
        kind=RehousingKind.DEFINITIVE,
        move_in_date=dt.date(2024, 5, 15),
        landlord=world.orgs["other_landlord"],
        landlord_name="Bailleur Sud",
        commune=world.other_commune,
        in_qpv=False,
        housing_stock=HousingStock.SOCIAL,
        commissioning_date=dt.date(2022, 9, 1),
        dwelling_type="T3",
        living_area=Decimal("78.00"),
        rent=Decimal("512.30"),
        charges=Decimal("95.40"),
        apl=Decimal("240.60"),
        rls=Decimal("48.10"),
        rent_reduction_payment=True,
    )
    FollowUp.objects.create(
        household=household,
        months_after=6,
        due_date=dt.date(2024, 11, 15),
        done_on=dt.date(2024, 11, 15),
        home_satisfaction="satisfait",
        rent_arrears=True,
    )
    NextStep.objects.create(household=household, title="Relancer la CAF", due_date=dt.date(2024, 1, 15))
    exited = factories.HouseholdFactory(
        building=world.building,
        social_provider=world.orgs["social_a"],
        reference="CONC-051",
        status=S.EXITED,
        exit_reason=ExitReason.SELF_DEPARTURE,
        census_date=dt.date(2023, 1, 10),
        with_history=False,
    )
    _history(exited, (S.TO_DIAGNOSE, dt.date(2023, 1, 10)), (S.EXITED, dt.date(2023, 9, 1)))
    return {"household": household, "exited": exited, "rehousing": rehousing}


def _euros(amount: str) -> str:
    return _norm(format_euros(Decimal(amount)))


# Where each column of the exchange format shows on a page: (page, text). Pages: "file" (household
# page), "rehousing", "followup" (post-rehousing follow-up), "building"; "exited" is the household
# page of CONC-051, the only column read on it.
EXCHANGE_PROBES = {
    "ref_menage": ("file", "Ménage CONC-050"),
    "projet": ("file", "Projet Lille-Concorde"),
    "batiment": ("file", "bâtiment BAT-A"),
    "bailleur_origine": ("building", "Bailleur Bailleur Nord"),
    "commune_origine_insee": ("file", "(Lille)"),
    "date_recensement": ("file", "Date de recensement 10/01/2023"),
    "decohabitation_de": ("file", "Issu de la décohabitation du ménage CONC-001"),
    "nom_referent": ("file", "Famille Zéphyrin"),
    "nb_adultes": ("file", "Adultes et enfants 2 adultes, 3 enfants"),
    "nb_enfants": ("file", "Adultes et enfants 2 adultes, 3 enfants"),
    "type_menage": ("file", "Type de ménage Couple avec enfant(s)"),
    "age_referent": ("file", "Âge de la personne de référence 47"),
    "ressources_mensuelles": ("file", "Total " + _euros("1357.91")),
    "besoin_pmr": ("file", "Mobilité réduite (PMR) : oui"),
    "typologie_origine": ("file", "Typologie T4"),
    "surface_origine": ("file", "Surface 71,5 m²"),
    "loyer_origine": ("file", "Loyer " + _euros("413.27")),
    "charges_origine": ("file", "Charges " + _euros("61.19")),
    "apl_origine": ("file", "APL " + _euros("187.43")),
    "rls_origine": ("file", "RLS " + _euros("39.71")),
    "statut": ("file", "Statut actuel : Relogé"),
    "motif_sortie": ("exited", "Statut actuel : Sorti sans relogement (Départ autonome)"),
    "date_diagnostic": ("file", "01/02/2023 À diagnostiquer En recherche"),
    "date_relogement": ("file", "emménagement le 15/05/2024"),
    "bailleur_destination": ("rehousing", "Bailleur Bailleur Sud"),
    "commune_destination_insee": ("rehousing", "Roubaix"),
    "qpv_destination": ("rehousing", "En QPV Non"),
    "parc_destination": ("rehousing", "Parc Parc social"),
    "date_mise_en_service_destination": ("rehousing", "Mise en service ou conventionnement 01/09/2022"),
    "typologie_destination": ("rehousing", "Typologie, surface T3, 78 m²"),
    "surface_destination": ("rehousing", "Typologie, surface T3, 78 m²"),
    "loyer_destination": ("rehousing", "Loyer " + _euros("512.30")),
    "charges_destination": ("rehousing", "Charges " + _euros("95.40")),
    "apl_destination": ("rehousing", "APL " + _euros("240.60")),
    "rls_destination": ("rehousing", "RLS " + _euros("48.10")),
    "minoration_loyer": ("rehousing", "Indemnité ANRU pour minoration de loyer Oui"),
    "satisfaction_6_mois": ("followup", "6 mois"),
    "impayes_6_mois": ("followup", "Satisfait Oui"),
    # Private degraded stock: CONC-050's building has a social landlord, so no owner as text.
    "proprietaire_origine": ("building", "(parc privé)"),
    "statut_occupation": ("file", "Locataire du parc social"),
}

# The household list's columns (by label) and where their value shows.
LIST_PROBES = {
    "Référence": ("file", "Ménage CONC-050"),
    "Nom": ("file", "Ménage CONC-050 — Famille Zéphyrin"),
    "Pseudonyme": ("file", "le ménage est désigné par son pseudonyme"),
    "Projet": ("file", "Projet Lille-Concorde"),
    "Bâtiment": ("file", "bâtiment BAT-A"),
    "Commune": ("file", "(Lille)"),
    "Statut": ("file", "Statut actuel : Relogé"),
    "Adultes": ("file", "Adultes et enfants 2 adultes, 3 enfants"),
    "Enfants": ("file", "Adultes et enfants 2 adultes, 3 enfants"),
    "Ressources mensuelles": ("file", "Total " + _euros("1357.91")),
    "Référent": ("file", "Référent Camille"),
    "Étapes en retard": ("file", "Relancer la CAF"),
    "Recensement": ("file", "Date de recensement 10/01/2023"),
}


def test_every_exchange_column_has_a_probe():
    assert set(EXCHANGE_PROBES) == {c.name for c in MENAGES_COLUMNS}


def _pages(client, world, full) -> dict[str, str]:
    """Each page as text, empty when the role does not reach it (404)."""
    household, exited, rehousing = full["household"], full["exited"], full["rehousing"]
    urls = {
        "file": reverse("households:detail", args=[household.pk]),
        "exited": reverse("households:detail", args=[exited.pk]),
        "rehousing": reverse("rehousing:detail", args=[rehousing.pk]),
        "followup": reverse("followup:household", args=[household.pk]),
        "building": reverse("building_detail", args=[world.building.pk]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        pages[name] = _text(response.content) if response.status_code == 200 else ""
    assert pages["file"], "every role reaches the household page"
    return pages


def _shown(pages, probe) -> bool:
    page, text = probe
    return _norm(text) in pages[page]


def _exchange_rows(client) -> dict[str, dict[str, str]]:
    """The CONC-050 and CONC-051 rows of each exchange container, every cell as text ('' = empty)."""
    by_format = {}
    for fmt in ("csv", "xlsx", "ods"):
        response = client.get(reverse("exchange:export"), {"format": fmt})
        assert response.status_code == 200
        if fmt == "csv":
            rows = csv_dicts(zip_members(response.content)["menages.csv"])
        elif fmt == "xlsx":
            rows = [
                {k: "" if c.value is None else str(c.value) for k, c in r.items()}
                for r in xlsx_dicts(response.content, "menages")
            ]
        else:
            rows = [{k: text for k, (_, text) in r.items()} for r in ods_dicts(response.content, "menages")]
        by_format[fmt] = {r["ref_menage"]: r for r in rows if r["ref_menage"] in ("CONC-050", "CONC-051")}
    return by_format


def _list_rows(client) -> dict[str, dict[str, str]]:
    by_format = {}
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("households:export", args=[fmt]))
        assert response.status_code == 200
        if fmt == "csv":
            rows = csv_dicts(response.getvalue())  # streamed
        else:
            rows = [
                {k: "" if c.value is None else str(c.value) for k, c in r.items()}
                for r in xlsx_dicts(response.getvalue())  # streamed
            ]
        by_format[fmt] = next(r for r in rows if r["Référence"] == "CONC-050")
    return by_format


@pytest.mark.parametrize("role", ROLES)
def test_exchange_export_shows_what_the_pages_show(world, full, role):
    client = world.client_for(role)
    pages = _pages(client, world, full)
    for fmt, rows in _exchange_rows(client).items():
        assert set(rows) == {"CONC-050", "CONC-051"}, fmt
        for column, probe in EXCHANGE_PROBES.items():
            row = rows["CONC-051" if probe[0] == "exited" else "CONC-050"]
            assert bool(row[column]) == _shown(pages, probe), (role, fmt, column, row[column], probe)


@pytest.mark.parametrize("role", ROLES)
def test_household_list_export_shows_what_the_pages_show(world, full, role):
    client = world.client_for(role)
    pages = _pages(client, world, full)
    for fmt, row in _list_rows(client).items():
        for label, probe in LIST_PROBES.items():
            assert bool(row.get(label)) == _shown(pages, probe), (role, fmt, label, row.get(label), probe)


def test_the_landlord_gets_no_financial_data_of_the_households(world, full):
    """The probe's finding: as the landlord, the exchange export filled the resources and the
    before-rents that the household page says are not communicated."""
    client = world.client_for("landlord")
    page = _pages(client, world, full)["file"]
    assert HIDDEN in page and "1 357,91" not in _norm(page)
    hidden = ("ressources_mensuelles", "loyer_origine", "charges_origine", "apl_origine", "rls_origine")
    for fmt, rows in _exchange_rows(client).items():
        assert all(rows["CONC-050"][column] == "" for column in hidden), fmt
        assert rows["CONC-050"]["nom_referent"] == "Famille Zéphyrin"  # names: the landlord sees them
        assert rows["CONC-050"]["loyer_destination"]  # it records the lease of the new dwelling


def test_the_metropolis_export_stays_pseudonymised(world, full):
    rows = _exchange_rows(world.client_for("metropolis"))
    for fmt in rows:
        row = rows[fmt]["CONC-050"]
        assert row["nom_referent"] == "" and row["age_referent"] == "", fmt
        assert row["ressources_mensuelles"], fmt  # resources: seen pseudonymised, as on its page


@pytest.mark.parametrize("role", ["metropolis", "landlord"])
def test_a_background_export_hides_the_same_cells(world, full, role, settings):
    """Exports too large to wait for are written by a job, as the organisation its author acted for:
    the file is the one the request would have given."""
    client = world.client_for(role)
    direct = _exchange_rows(client)["csv"]
    settings.EXCHANGE_EXPORT_INLINE_MAX = 0
    response = client.get(reverse("exchange:export"), {"format": "csv"})
    assert response.status_code == 302
    job = int(response["Location"].rstrip("/").split("/")[-1])
    download = client.get(reverse("exchange:export_download", args=[job]))
    assert download.status_code == 200
    rows = csv_dicts(zip_members(b"".join(download.streaming_content))["menages.csv"])
    assert {r["ref_menage"]: r for r in rows if r["ref_menage"] in direct} == direct


@pytest.mark.parametrize(
    "persona, destination_costs, followups",
    [
        ("metropolis", True, False),
        ("commune", True, True),
        ("mous", True, True),
        ("social_a", True, True),
        ("landlord", True, True),
        ("admin", False, False),
    ],
)
def test_export_predicates(world, persona, destination_costs, followups):
    from relogement.permissions import predicates

    user = world.users[persona]
    user.active_organisation = world.orgs[persona]
    assert predicates.can_view_destination_costs(user, world.household_a) is destination_costs
    assert predicates.can_view_followups(user, world.household_a) is followups
