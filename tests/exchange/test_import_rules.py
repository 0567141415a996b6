"""Validation before writing, import rules, updates with history."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.accounts.models import Organisation
from relogement.exchange.cells import CellError, parse_cell
from relogement.exchange.columns import MENAGES_COLUMNS
from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import read_csv_bytes
from relogement.followup.models import FollowUp
from relogement.households.models import Household, HouseholdStatusChange
from relogement.offers.models import Proposal, RefusalReason
from relogement.projects.models import Building
from relogement.rehousing.models import Rehousing
from tests.exchange.files import csv_bytes, menage, proposition, sheets

COL = {c.name: c for c in MENAGES_COLUMNS}


def _messages(report):
    return [(i.sheet, i.row, i.column, i.message) for i in report.errors]


# --- cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        ("commune_origine_insee", 2004, "02004"),
        ("commune_origine_insee", 59350.0, "59350"),
        ("commune_origine_insee", " 59350 ", "59350"),
        ("commune_origine_insee", "2a004", "2A004"),
        ("date_recensement", "2024-03-01", dt.date(2024, 3, 1)),
        ("date_recensement", dt.datetime(2024, 3, 1), dt.date(2024, 3, 1)),
        ("besoin_pmr", "OUI", True),
        ("besoin_pmr", "non", False),
        ("loyer_origine", "420,5", Decimal("420.50")),
        ("loyer_origine", "1 234.56", Decimal("1234.56")),
        ("loyer_origine", 420.5, Decimal("420.50")),
        ("loyer_origine", "0", Decimal("0.00")),
        ("loyer_origine", "", None),
        ("loyer_origine", "  ", None),
        ("nb_enfants", "0", 0),
        ("nb_adultes", 2.0, 2),
        ("statut", "Reloge", "reloge"),
        ("typologie_origine", "t3", "T3"),
    ],
)
def test_cells(column, raw, expected):
    assert parse_cell(raw, COL[column]) == expected


@pytest.mark.parametrize(
    ("column", "raw"),
    [
        ("commune_origine_insee", "593500"),
        ("commune_origine_insee", "ABCDE"),
        ("date_recensement", "01/03/2024"),
        ("date_recensement", "2024-02-30"),
        ("besoin_pmr", "yes"),
        ("loyer_origine", "abc"),
        ("loyer_origine", "-3"),
        ("nb_adultes", "1.5"),
        ("statut", "relogé"),
    ],
)
def test_bad_cells(column, raw):
    with pytest.raises(CellError):
        parse_cell(raw, COL[column])


def test_csv_separator_and_bom_are_detected():
    for sep in (";", ","):
        sheet = read_csv_bytes(csv_bytes([menage()], sep=sep, bom=True), "menages", "menages.csv")
        assert sheet.header[0] == "ref_menage"
        assert sheet.rows[0] == (2, [menage()[h] for h in sheet.header])


# --- validation -----------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_names_it(world):
    before = Household.objects.count()
    report = exchange_import(
        sheets=sheets([menage(), menage(ref_menage="IMP-002", statut="reloge_definitif")])
    )
    assert not report.valid
    assert _messages(report) == [
        ("menages", 3, "statut", _messages(report)[0][3]),
    ]
    assert "valeur inconnue" in report.errors[0].message
    assert report.errors[0].value == "reloge_definitif"
    assert "ligne 3" in report.text() and "colonne « statut »" in report.text()
    assert Household.objects.count() == before
    assert not Building.objects.filter(reference="BAT-NEW").exists()


def test_conditional_requirements(world):
    rows = [
        menage(ref_menage="E1", statut="sorti_sans_relogement"),
        menage(ref_menage="E2", statut="reloge", date_relogement=None),
        menage(ref_menage="E3", statut="reloge", date_relogement="2024-06-01"),
        menage(ref_menage="E4", statut="reloge_temporaire"),
    ]
    report = exchange_import(sheets=sheets(rows))
    found = {(row, column) for _, row, column, _ in _messages(report)}
    assert (2, "motif_sortie") in found
    assert (3, "date_relogement") in found
    assert {(4, "commune_destination_insee"), (4, "qpv_destination"), (4, "parc_destination")} <= found
    assert (5, "date_relogement") in found


def test_required_columns_values_and_referential(world):
    rows = [
        menage(ref_menage="R1", projet="inconnu"),
        menage(ref_menage="R2", commune_origine_insee="99999"),
        menage(ref_menage="R3", nb_adultes=""),
        menage(ref_menage="R1"),
        menage(ref_menage="R1"),
        menage(ref_menage="R5", decohabitation_de="NOPE"),
        menage(ref_menage="R6", date_recensement="2099-01-01"),
        menage(ref_menage="R7", date_diagnostic="2023-01-01"),
    ]
    report = exchange_import(sheets=sheets(rows))
    found = {(row, column) for _, row, column, _ in _messages(report)}
    assert (2, "projet") in found
    assert (3, "commune_origine_insee") in found
    assert (4, "nb_adultes") in found
    assert (6, "ref_menage") in found  # duplicate of line 5
    assert (7, "decohabitation_de") in found
    assert (8, "date_recensement") in found
    assert (9, "date_diagnostic") in found
    assert "déjà utilisée dans ce projet à la ligne 5" in str(report.errors)


def test_missing_required_column_is_reported_on_header(world):
    data = csv_bytes([menage()], columns=["ref_menage", "projet", "statut", "colonne_perso"])
    report = exchange_import(sheets={"menages": read_csv_bytes(data, "menages", "menages.csv")})
    assert {(i.row, i.column) for i in report.errors} >= {(1, "batiment"), (1, "date_recensement")}
    assert [(w.row, w.column) for w in report.warnings] == [(1, "colonne_perso")]


def test_proposal_rules(world):
    rows = [menage()]
    props = [
        proposition(),
        proposition(date_proposition="2024-04-01", motif_refus=""),
        proposition(date_proposition="2024-05-01", reponse="acceptee", date_reponse="", motif_refus=""),
        proposition(ref_menage="INCONNU"),
        proposition(date_proposition="2024-06-01", date_reponse="2024-05-01"),
        proposition(),
    ]
    report = exchange_import(sheets=sheets(rows, props))
    found = {(sheet, row, column) for sheet, row, column, _ in _messages(report)}
    assert ("propositions", 3, "motif_refus") in found
    assert ("propositions", 4, "date_reponse") in found
    assert ("propositions", 5, "ref_menage") in found
    assert ("propositions", 6, "date_reponse") in found
    assert ("propositions", 7, "date_proposition") in found  # same as line 2
    assert not Proposal.objects.exists()


def test_proposal_stock_kind_is_an_optional_column(world):
    """``type_logement`` (not in the partners' contract): absent or empty → not stated (conventioned
    social housing); a known value is stored; an unknown one is an error naming the row and column."""
    bad = exchange_import(
        sheets=sheets(
            [menage()],
            [
                proposition(type_logement="HLM"),
                proposition(date_proposition="2024-04-01", date_reponse="2024-04-10"),
            ],
        )
    )
    assert [(row, column) for _, row, column, _ in _messages(bad)] == [(2, "type_logement")]
    assert "valeur inconnue (valeurs possibles : social, prive_vide, prive_meuble, foyer)" in bad.text()
    assert "ligne 2" in bad.text() and "colonne « type_logement »" in bad.text()
    assert not Proposal.objects.exists()

    report = exchange_import(
        sheets=sheets(
            [menage()],
            [
                proposition(type_logement="Prive_Meuble"),
                proposition(date_proposition="2024-04-01", date_reponse="2024-04-10"),
            ],
        )
    )
    assert report.valid, report.text()
    assert sorted(Proposal.objects.values_list("stock_kind", flat=True)) == ["", "prive_meuble"]
    # A file without the column (a partner's) leaves the stored kind alone.
    again = exchange_import(sheets=sheets([menage()], [proposition()]))
    assert again.valid and again.proposals.unchanged == 1
    assert Proposal.objects.get(notified_date="2024-03-01").stock_kind == "prive_meuble"


def test_project_office_imports_only_into_its_projects(world):
    report = exchange_import(
        sheets=sheets([menage(), menage(ref_menage="X", projet="Roubaix Alma")]),
        allowed_project_ids=[world.project.pk],
    )
    assert _messages(report) == [
        ("menages", 3, "projet", "vous ne pouvez pas importer de données pour ce projet")
    ]


# --- writing --------------------------------------------------------------------------------------


def test_import_creates_household_history_building_and_landlord(world):
    RefusalReason.objects.create(code="ecole", label="Trop loin de l'école")
    rows = [
        menage(projet="LILLE-CONCORDE", batiment="BAT-NEW", bailleur_origine="Nouveau Bailleur"),
        menage(
            ref_menage="IMP-002",
            projet="Lille-Concorde",
            statut="reloge",
            date_relogement="2024-09-01",
            commune_destination_insee="59512",
            qpv_destination="non",
            parc_destination="social",
            loyer_destination="450,50",
            bailleur_destination="Bailleur Sud",
            satisfaction_6_mois="tres_satisfait",
            impayes_6_mois="non",
            decohabitation_de="IMP-001",
            batiment="BAT-NEW",
            bailleur_origine="Nouveau Bailleur",
        ),
    ]
    report = exchange_import(sheets=sheets(rows, [proposition(motif_refus="ecole")]))
    assert report.valid, report.text()
    assert report.imported
    assert (report.households.created, report.proposals.created) == (2, 1)
    warnings = {(w.column, w.message) for w in report.warnings}
    assert ("batiment", "bâtiment inconnu : il sera créé") in warnings
    assert ("bailleur_origine", "bailleur inconnu : l'organisation sera créée") in warnings
    building = Building.objects.get(reference="BAT-NEW")
    assert building.landlord == Organisation.objects.get(name="Nouveau Bailleur", kind="landlord")
    assert building.operation.name == "Import"
    first = Household.objects.get(reference="IMP-001")
    assert first.status == "searching" and first.rent_before is None
    assert list(first.status_changes.values_list("to_status", "effective_date")) == [
        ("to_diagnose", dt.date(2024, 1, 15)),
        ("searching", dt.date(2024, 2, 1)),
    ]
    second = Household.objects.get(reference="IMP-002")
    assert second.split_from == first
    assert second.status_changes.last().effective_date == dt.date(2024, 9, 1)
    rehousing = Rehousing.objects.get(household=second)
    assert rehousing.kind == "definitive" and rehousing.rent == Decimal("450.50")
    assert rehousing.landlord == world.orgs["other_landlord"]
    followup = FollowUp.objects.get(household=second)
    assert (followup.months_after, followup.due_date, followup.home_satisfaction) == (
        6,
        dt.date(2025, 3, 1),
        "tres_satisfait",
    )
    proposal = Proposal.objects.get()
    assert proposal.refusal_reason.code == "ecole"
    assert proposal.refusal_reason_text == "Trop loin de l'école"
    assert proposal.offer is None and proposal.status == "refused"


def test_undated_status_uses_import_date(world):
    report = exchange_import(sheets=sheets([menage(statut="proposition_en_cours", date_diagnostic=None)]))
    assert report.valid
    change = HouseholdStatusChange.objects.filter(household__reference="IMP-001").last()
    assert change.to_status == "proposal_in_progress"
    assert change.effective_date == dt.date.today()


def test_dry_run_counts_but_writes_nothing(world):
    report = exchange_import(sheets=sheets([menage()], [proposition()]), dry_run=True)
    assert report.valid and not report.imported
    assert (report.households.created, report.proposals.created) == (1, 1)
    assert not Household.objects.filter(reference="IMP-001").exists()


def test_changed_row_updates_and_keeps_history(world):
    exchange_import(
        sheets=sheets([menage()], [proposition(reponse="en_attente", date_reponse="", motif_refus="")])
    )
    household = Household.objects.get(reference="IMP-001")
    assert household.history.count() == 1
    same = exchange_import(
        sheets=sheets([menage()], [proposition(reponse="en_attente", date_reponse="", motif_refus="")])
    )
    assert (same.households.unchanged, same.proposals.unchanged) == (1, 1)
    assert household.history.count() == 1

    changed = menage(
        statut="reloge",
        date_relogement="2024-10-01",
        commune_destination_insee="59350",
        qpv_destination="oui",
        parc_destination="prive",
        ressources_mensuelles="1500",
    )
    report = exchange_import(sheets=sheets([changed], [proposition()]))
    assert report.valid, report.text()
    assert (report.households.updated, report.proposals.updated) == (1, 1)
    household.refresh_from_db()
    assert household.status == "rehoused" and household.monthly_resources == Decimal("1500.00")
    assert household.history.count() == 2
    assert household.history.first().history_change_reason == "Import du fichier de suivi"
    assert list(household.status_changes.values_list("to_status", flat=True)) == [
        "to_diagnose",
        "searching",
        "rehoused",
    ]
    assert household.rehousings.get().housing_stock == "prive"
    proposal = Proposal.objects.get()
    assert proposal.answer == "refusee" and proposal.status == "refused"
    # An empty cell is "unknown": it never erases a known value.
    exchange_import(sheets=sheets([dict(changed, ressources_mensuelles="")]))
    household.refresh_from_db()
    assert household.monthly_resources == Decimal("1500.00")


def test_existing_app_household_matched_on_project_and_reference(world):
    row = menage(
        ref_menage="CONC-001",
        date_recensement="2024-03-01",
        nb_adultes="2",
        nb_enfants="1",
        statut="a_diagnostiquer",
        date_diagnostic=None,
    )
    report = exchange_import(sheets=sheets([row]))
    assert report.valid, report.text()
    assert report.households.unchanged == 1


def test_proposals_of_a_stored_household_not_in_the_file(world):
    report = exchange_import(
        sheets=sheets([menage(ref_menage="IMP-002")], [proposition(ref_menage="CONC-001")])
    )
    assert report.valid, report.text()
    assert Proposal.objects.get().household == world.household_a


def test_circular_splits_are_refused(world):
    report = exchange_import(
        sheets=sheets(
            [
                menage(ref_menage="A", decohabitation_de="B"),
                menage(ref_menage="B", decohabitation_de="A"),
            ]
        )
    )
    assert {(i.row, i.column, i.message) for i in report.errors} == {
        (2, "decohabitation_de", "décohabitations circulaires"),
        (3, "decohabitation_de", "décohabitations circulaires"),
    }
