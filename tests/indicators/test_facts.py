"""The household facts follow every way of writing their source rows (database triggers), and the
status on a past date is read from the history when the latest change is later."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from relogement.followup.models import FollowUp
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.indicators import freshness as facts
from relogement.indicators.models import BuildingSummary, HouseholdFact, StaleBuilding, StaleHousehold
from relogement.indicators.perimeter import METROPOLIS_PERIMETER
from relogement.indicators.selectors import ALL, compute, compute_for, scoped_households
from relogement.offers.models import ProposalTransition
from relogement.projects.models import Building
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories
from tests.indicators.builders import scenario


@pytest.fixture
def s(db):
    return scenario()


def snapshot() -> tuple[list[dict], list[dict]]:
    return (
        list(HouseholdFact.objects.order_by("household_id").values()),
        list(BuildingSummary.objects.order_by("building_id").values()),
    )


def assert_facts_fresh():
    """Incremental refresh == recomputation of every household and building from scratch."""
    facts.refresh()
    incremental = snapshot()
    HouseholdFact.objects.all().delete()
    BuildingSummary.objects.all().delete()
    facts.rebuild()
    assert incremental == snapshot()
    assert not StaleHousehold.objects.exists() and not StaleBuilding.objects.exists()


def test_facts_hold_the_worked_out_values(s):
    facts.refresh()
    h1 = HouseholdFact.objects.get(household=s.h["h1"])
    rehousing = Rehousing.objects.get(household=s.h["h1"], kind=RehousingKind.DEFINITIVE)
    household = s.h["h1"]
    rls = household.rls_before or Decimal("0")
    assert h1.status == "reloge"
    assert h1.move_in == rehousing.move_in_date
    assert h1.rac_before == household.rent_before + household.charges_before - household.apl_before - rls
    assert h1.census_month == household.census_date.year * 12 + household.census_date.month - 1
    assert h1.delay_days == (rehousing.move_in_date - household.census_date).days
    # Temporary rehousing only: no definitive move-in, no impact values.
    h3 = HouseholdFact.objects.get(household=s.h["h3"])
    assert h3.move_in is None and h3.rac_after is None and h3.status == "reloge_temporaire"


def test_every_kind_of_write_marks_the_household(s):
    facts.refresh()
    h1, h2, h4 = s.h["h1"], s.h["h2"], s.h["h4"]
    # QuerySet.update() bypasses signals and history: the triggers still see it.
    Rehousing.objects.filter(household=h1, kind=RehousingKind.DEFINITIVE).update(rent=Decimal("999.00"))
    Household.objects.filter(pk=h2.pk).update(adults_count=5)
    FollowUp.objects.filter(household__in=[h1, h2]).update(home_satisfaction="", rent_arrears=None)
    HouseholdStatusChange.objects.create(
        household=h4, from_status=S.SEARCHING, to_status=S.EXITED, effective_date=dt.date(2026, 1, 5)
    )
    HouseholdStatusChange.objects.filter(household=s.h["h5"]).order_by("-effective_date").first().delete()
    Rehousing.objects.filter(household=s.h["h6"], kind=RehousingKind.DEFINITIVE).delete()
    marked = set(StaleHousehold.objects.values_list("household_id", flat=True))
    assert {h1.pk, h2.pk, h4.pk, s.h["h5"].pk, s.h["h6"].pk} <= marked
    assert_facts_fresh()
    assert HouseholdFact.objects.get(household=h1).rac_after > Decimal("900")


def test_a_building_moving_to_another_commune_marks_its_households(s):
    facts.refresh()
    other = factories.CommuneFactory()
    Building.objects.filter(pk=s.b1.pk).update(commune=other)
    expected = set(Household.objects.filter(building=s.b1).values_list("pk", flat=True))
    assert expected and set(StaleHousehold.objects.values_list("household_id", flat=True)) == expected
    assert_facts_fresh()
    # Nothing to do when the commune does not change.
    Building.objects.filter(pk=s.b2.pk).update(reference="B2 bis")
    assert not StaleHousehold.objects.exists()


def test_bulk_created_households_and_history_are_picked_up(s):
    facts.refresh()
    template = s.h["h1"]
    new = Household.objects.bulk_create(
        [
            Household(
                project=template.project,
                building=template.building,
                reference=f"BULK{i}",
                census_date=dt.date(2024, 1, 1),
            )
            for i in range(3)
        ]
    )
    ids = (
        [h.pk for h in new]
        if new[0].pk
        else list(Household.objects.filter(reference__startswith="BULK").values_list("pk", flat=True))
    )
    HouseholdStatusChange.objects.bulk_create(
        [
            HouseholdStatusChange(household_id=pk, to_status=S.SEARCHING, effective_date=dt.date(2024, 2, 1))
            for pk in ids
        ]
    )
    before = compute_for(ALL, METROPOLIS_PERIMETER, dt.date(2024, 3, 1)).values
    assert HouseholdFact.objects.filter(household_id__in=ids).count() == 3
    assert set(HouseholdFact.objects.filter(household_id__in=ids).values_list("status", flat=True)) == {
        "en_recherche"
    }
    assert before["avancement.par_statut.en_recherche"] >= 3
    assert_facts_fresh()


def test_deleting_a_household_removes_its_facts(s):
    facts.refresh()
    h = s.h["h9"]
    # The transition logs are protected (evidence, never cascade-deleted): removed explicitly first.
    ProposalTransition.objects.filter(proposal__household=h).delete()
    h.status_changes.all().delete()
    h.delete()
    assert not HouseholdFact.objects.filter(household_id=h.pk).exists()
    assert_facts_fresh()


def test_status_on_a_past_date_comes_from_the_history(s):
    # h3's latest change is later than the date: the history decides, not the fact's latest status.
    h3 = s.h["h3"]
    HouseholdStatusChange.objects.create(
        household=h3,
        from_status=S.TEMPORARILY_REHOUSED,
        to_status=S.EXITED,
        effective_date=dt.date(2026, 3, 1),
    )
    households = scoped_households(ALL, METROPOLIS_PERIMETER)
    after = compute(households, dt.date(2026, 3, 31)).values
    before = compute(households, dt.date(2026, 2, 28)).values
    assert HouseholdFact.objects.get(household=h3).status == "sorti_sans_relogement"
    assert after["avancement.sortis_sans_relogement"] == before["avancement.sortis_sans_relogement"] + 1
    assert before["avancement.reloges_temporaires"] == after["avancement.reloges_temporaires"] + 1


def test_an_empty_scope_gives_the_empty_figures(db):
    values = compute(Household.objects.none(), dt.date(2025, 12, 31)).values
    assert values["avancement.recenses"] == 0
    assert values["impact.pct_hors_qpv"] is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_claims_marks_in_the_same_statement(s):
    # A refresh that finds marks consumes them all and leaves the facts of every household.
    facts.rebuild()
    assert HouseholdFact.objects.count() == Household.objects.count()


def test_every_trigger_survives_the_migrations(db):
    """On SQLite a migration that rebuilds a table (an AlterField…) drops its triggers, and the facts
    would silently stop following that table: each table must still carry one trigger per event."""
    import importlib

    triggers = importlib.import_module("relogement.indicators.migrations.0002_stale_triggers")
    expected = {(table, event) for table, _, _, events in triggers.MARKS for event in events}
    expected.add(("projects_building", "UPDATE"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'indicators_stale_%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'indicators_stale_%'"
            )
        found = {(table, name.rsplit("_", 1)[1].upper()) for table, name in cursor.fetchall()}
    assert found == expected


def test_refresh_sends_the_same_statements_for_one_or_many_households(s):
    from django.test.utils import CaptureQueriesContext

    facts.refresh()
    Household.objects.filter(pk=s.h["h1"].pk).update(adults_count=3)
    with CaptureQueriesContext(connection) as one:
        assert facts.refresh() == 1
    Household.objects.update(adults_count=4)
    total = Household.objects.count()
    with CaptureQueriesContext(connection) as many:
        assert facts.refresh() == total > 5
    assert len(one.captured_queries) == len(many.captured_queries)
    with CaptureQueriesContext(connection) as idle:
        assert facts.refresh() == 0
    assert len(idle.captured_queries) == 1


def _scopes(s):
    """The whole metropolis, whole buildings (a project), and buildings only partly in scope."""
    partial = [h.pk for h in Household.objects.filter(building=s.b1)][1:] + [
        Household.objects.filter(building=s.b2).first().pk
    ]
    return {
        "everything": Household.objects.all(),
        "project": Household.objects.filter(project=s.project),
        "partial": Household.objects.filter(pk__in=partial),
    }


@pytest.mark.parametrize("scope", ["everything", "project", "partial"])
@pytest.mark.parametrize(
    "as_of", [dt.date(2024, 1, 31), dt.date(2025, 4, 30), dt.date(2025, 12, 31), dt.date(2030, 1, 1)]
)
def test_building_summaries_give_what_the_households_give(s, as_of, scope):
    """Buildings whose every household is in scope are summed from their summaries (where valid on the
    date), the others aggregated from the facts: the same figures and burn-down as from the facts only."""
    from relogement.indicators.burndown import building_progress

    households = _scopes(s)[scope]
    summed, scanned = compute(households, as_of), compute(households, as_of, summarised=False)
    assert summed.values == scanned.values
    assert summed.bases == scanned.bases
    assert summed.distributions == scanned.distributions
    assert [vars(b) for b in building_progress(households, as_of)] == [
        vars(b) for b in building_progress(households, as_of, summarised=False)
    ]


def test_a_summary_is_used_only_from_its_valid_date(s):
    from relogement.indicators import summaries

    facts.refresh()
    b1 = BuildingSummary.objects.get(building=s.b1)
    rows = HouseholdFact.objects.filter(building=s.b1).values_list("census_date", "status_since", "move_in")
    latest = max(date for row in rows for date in row if date)
    assert b1.valid_from >= latest
    _, rest = summaries.figures_on(b1.valid_from - dt.timedelta(days=1))
    assert s.b1.pk in rest
    _, rest = summaries.figures_on(b1.valid_from)
    assert s.b1.pk not in rest


def test_a_late_answer_dates_the_summary_of_its_building(s):
    """A proposal answered after every other date of its building: the summary (which counts the
    answer) applies only from the answer's date; before it the proposal is still pending."""
    from relogement.indicators import summaries
    from tests.indicators.builders import proposal

    answered_on = dt.date(2030, 1, 1)
    proposal(s.h["h9"], notified=dt.date(2024, 6, 1), answer="refusee", answer_date=answered_on)
    facts.refresh()
    assert BuildingSummary.objects.get(building=s.b3).valid_from == answered_on
    assert s.b3.pk in summaries.proposals_on(answered_on - dt.timedelta(days=1))[1]
    before, on = answered_on - dt.timedelta(days=1), answered_on
    everything = Household.objects.all()
    for day in (before, on):
        assert compute(everything, day).values == compute(everything, day, summarised=False).values
    refused = "processus.taux_refus"
    assert compute(everything, before).values[refused] != compute(everything, on).values[refused]


def test_rebuild_command_recomputes_everything(s):
    from io import StringIO

    from django.core.management import call_command

    facts.refresh()
    HouseholdFact.objects.filter(household=s.h["h1"]).update(status="en_recherche")  # corrupted
    out = StringIO()
    call_command("rebuild_indicators", stdout=out)
    assert f"Indicateurs recalculés pour {Household.objects.count()} ménage(s)." in out.getvalue()
    assert HouseholdFact.objects.get(household=s.h["h1"]).status == "reloge"
    assert BuildingSummary.objects.filter(building=s.b1).exists()


def test_a_proposal_written_marks_its_household(s):
    from relogement.offers.models import Proposal

    facts.refresh()
    Proposal.objects.filter(household=s.h["h1"]).update(notified_date=dt.date(2027, 1, 1))
    assert set(StaleHousehold.objects.values_list("household_id", flat=True)) == {s.h["h1"].pk}
    facts.refresh()
    fact = HouseholdFact.objects.get(household=s.h["h1"])
    assert fact.last_notified == dt.date(2027, 1, 1) and fact.proposal_count == 2
    # Not notified on 2025-12-31 any more: the count on that date comes from the proposals.
    values = compute(Household.objects.all(), dt.date(2025, 12, 31)).values
    assert values == compute(Household.objects.all(), dt.date(2025, 12, 31), summarised=False).values
    assert_facts_fresh()
