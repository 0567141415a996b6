"""An imported « relogé » household always goes with its rehousing record (docs/lifecycle.md, "Rehousing
record rule"; docs/exchange-format.md, Validation and Writing)."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.exchange.importer import exchange_import
from relogement.households.models import Household, HouseholdStatusChange
from relogement.rehousing.models import Rehousing
from tests.exchange.files import menage, sheets

DESTINATION = {
    "commune_destination_insee": "59512",
    "qpv_destination": "non",
    "parc_destination": "social",
}


def _rehoused(**overrides):
    return menage(**{"statut": "reloge", "date_relogement": "2024-09-01", **DESTINATION, **overrides})


def _temporary(**overrides):
    return menage(
        **{"statut": "reloge_temporaire", "date_relogement": "2024-06-01", **DESTINATION, **overrides}
    )


def _errors(report):
    return [(i.row, i.column, i.message) for i in report.errors]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            menage(statut="reloge_temporaire", date_relogement="2024-06-01"),
            "commune de destination obligatoire pour un ménage relogé temporairement",
        ),
        (
            menage(
                statut="reloge", date_relogement="2024-06-01", qpv_destination="non", parc_destination="prive"
            ),
            "commune de destination obligatoire pour un ménage relogé",
        ),
    ],
)
def test_rehoused_row_without_destination_commune_is_an_error(world, row, message):
    report = exchange_import(sheets=sheets([menage(ref_menage="OK-1"), row]))
    assert not report.valid and not report.imported
    assert _errors(report) == [(3, "commune_destination_insee", message)]
    # Row and column named in French in the report the user reads.
    assert "ligne 3" in report.text() and "colonne « commune_destination_insee »" in report.text()
    assert not Household.objects.filter(reference__in=["OK-1", "IMP-001"]).exists()
    assert not Rehousing.objects.exists()


@pytest.mark.parametrize(
    ("row", "kind", "status"),
    [(_rehoused, "definitive", "rehoused"), (_temporary, "temporary", "temporarily_rehoused")],
)
def test_created_rehoused_household_has_one_current_record_and_coherent_history(world, row, kind, status):
    report = exchange_import(sheets=sheets([row()]))
    assert report.valid and report.imported, report.text()
    household = Household.objects.get(reference="IMP-001")
    assert household.status == status
    current = Rehousing.objects.current().get(household=household)
    assert current.kind == kind and current.commune.insee_code == "59512"
    changes = list(household.status_changes.order_by("effective_date", "pk"))
    assert [c.to_status for c in changes] == ["to_diagnose", "searching", status]
    # Each change starts where the previous one ended, dates in order, the last on the move-in date.
    assert [c.from_status for c in changes] == ["", "to_diagnose", "searching"]
    assert [c.effective_date for c in changes] == sorted(c.effective_date for c in changes)
    assert changes[-1].effective_date == current.move_in_date


def test_definitive_rehousing_supersedes_the_temporary_one(world):
    exchange_import(sheets=sheets([_temporary()]))
    household = Household.objects.get(reference="IMP-001")
    temporary = household.rehousings.get()

    report = exchange_import(sheets=sheets([_rehoused(commune_destination_insee="59350")]))
    assert report.valid and report.imported, report.text()
    household.refresh_from_db()
    assert household.status == "rehoused"
    definitive = Rehousing.objects.current().get(household=household)
    assert definitive.kind == "definitive" and definitive.move_in_date == dt.date(2024, 9, 1)
    temporary.refresh_from_db()
    assert (temporary.superseded_on, temporary.superseded_by) == (dt.date(2024, 9, 1), definitive)
    assert temporary.commune.insee_code == "59512"  # kept as it was: superseded, not overwritten
    assert household.rehousings.count() == 2
    assert list(household.status_changes.values_list("from_status", "to_status")) == [
        ("", "to_diagnose"),
        ("to_diagnose", "searching"),
        ("searching", "temporarily_rehoused"),
        ("temporarily_rehoused", "rehoused"),
    ]


def test_new_definitive_move_supersedes_the_previous_definitive_one(world):
    exchange_import(sheets=sheets([_rehoused(loyer_destination="400")]))
    first = Rehousing.objects.get(household__reference="IMP-001")

    report = exchange_import(
        sheets=sheets([_rehoused(date_relogement="2025-02-01", commune_destination_insee="59350")])
    )
    assert report.valid and report.imported, report.text()
    records = Rehousing.objects.filter(household__reference="IMP-001")
    assert records.count() == 2
    current = records.current().get()
    assert current.move_in_date == dt.date(2025, 2, 1)
    first.refresh_from_db()
    assert (first.superseded_on, first.superseded_by, first.rent) == (
        dt.date(2025, 2, 1),
        current,
        Decimal("400.00"),
    )
    assert first.history.first().history_change_reason.endswith("remplacé par un nouveau relogement")


def test_same_move_is_corrected_in_place(world):
    exchange_import(sheets=sheets([_rehoused(loyer_destination="400")]))
    report = exchange_import(sheets=sheets([_rehoused(loyer_destination="420")]))
    assert report.valid and report.imported and report.households.updated == 1
    record = Rehousing.objects.get(household__reference="IMP-001")
    assert record.rent == Decimal("420.00") and record.superseded_on is None
    assert record.history.count() == 2


def test_move_in_before_the_current_record_is_refused(world):
    exchange_import(sheets=sheets([_rehoused()]))
    for dry_run in (True, False):
        report = exchange_import(sheets=sheets([_rehoused(date_relogement="2024-07-01")]), dry_run=dry_run)
        assert not report.valid and not report.imported
        assert _errors(report) == [
            (
                2,
                "date_relogement",
                "la date de relogement précède celle du relogement en cours du ménage (01/09/2024) : "
                "un nouveau relogement le remplace à une date postérieure",
            )
        ]
    record = Rehousing.objects.get(household__reference="IMP-001")
    assert record.move_in_date == dt.date(2024, 9, 1) and record.superseded_on is None


def test_rehousing_dated_before_the_last_status_change_is_refused(world):
    exchange_import(sheets=sheets([menage(statut="en_recherche", date_diagnostic="2024-05-01")]))
    household = Household.objects.get(reference="IMP-001")
    HouseholdStatusChange.objects.create(
        household=household,
        from_status="searching",
        to_status="proposal_in_progress",
        effective_date=dt.date(2024, 8, 1),
    )
    Household.objects.filter(pk=household.pk).update(status="proposal_in_progress")
    report = exchange_import(
        sheets=sheets([_rehoused(date_diagnostic="2024-05-01", date_relogement="2024-07-01")])
    )
    assert not report.valid and not report.imported
    assert _errors(report) == [
        (
            2,
            "date_relogement",
            "la date de relogement précède le dernier changement de statut du ménage (01/08/2024)",
        )
    ]
    assert not Rehousing.objects.exists()
    household.refresh_from_db()
    assert household.status == "proposal_in_progress"


def test_superseding_many_households_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    rows = [_temporary(ref_menage=f"T-{n:03}") for n in range(30)]
    exchange_import(sheets=sheets(rows))
    rows = [_rehoused(ref_menage=f"T-{n:03}") for n in range(30)]
    with django_assert_max_num_queries(60):
        report = exchange_import(sheets=sheets(rows))
    assert report.imported and report.households.updated == 30
    assert Rehousing.objects.current().filter(kind="definitive").count() == 30
    assert Rehousing.objects.filter(superseded_on=dt.date(2024, 9, 1)).count() == 30


def test_rehoused_row_without_diagnosis_date_goes_through_the_search(world):
    exchange_import(sheets=sheets([_rehoused(date_diagnostic=None)]))
    household = Household.objects.get(reference="IMP-001")
    changes = list(household.status_changes.order_by("effective_date", "pk"))
    assert [(c.from_status, c.to_status, c.effective_date) for c in changes] == [
        ("", "to_diagnose", dt.date(2024, 1, 15)),
        ("to_diagnose", "searching", dt.date(2024, 9, 1)),
        ("searching", "rehoused", dt.date(2024, 9, 1)),
    ]
    # Not a diagnosis date: the round trip exports the row as it came, and it is unchanged.
    report = exchange_import(sheets=sheets([_rehoused(date_diagnostic=None)]))
    assert report.households.unchanged == 1


def test_stored_household_to_diagnose_rehoused_by_the_file_goes_through_the_search(world):
    exchange_import(sheets=sheets([menage(statut="a_diagnostiquer", date_diagnostic=None)]))
    report = exchange_import(sheets=sheets([_rehoused(date_diagnostic=None)]))
    assert report.imported, report.text()
    household = Household.objects.get(reference="IMP-001")
    assert list(household.status_changes.values_list("from_status", "to_status")) == [
        ("", "to_diagnose"),
        ("to_diagnose", "searching"),
        ("searching", "rehoused"),
    ]
    assert Rehousing.objects.current().filter(household=household).count() == 1
