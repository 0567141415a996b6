"""A restricted scope is pinned once per computation (indicators/scope.py): the same households, its
buildings told whole or partial from the summaries' household counts, and no table left behind."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from relogement.accounts.models import OrganisationKind
from relogement.households.models import Household
from relogement.indicators import dashboard as board
from relogement.indicators.models import BuildingSummary, HouseholdFact
from relogement.indicators.perimeter import METROPOLIS_PERIMETER
from relogement.indicators.scope import (
    buildings_of,
    facts_beyond_summaries,
    pinned,
    whole_buildings,
)
from relogement.offers.models import Answer
from relogement.projects.models import Building
from tests import factories
from tests.indicators.builders import proposal, scenario

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def s(db):
    return scenario()


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _table_exists(name: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {name}")
    except DatabaseError:
        return False
    return True


def test_the_metropolis_is_not_pinned(s):
    everything = Household.objects.all()
    with pinned(everything) as households:
        assert households is everything
        assert buildings_of(households) is None


def test_a_pinned_scope_holds_the_same_households_and_tells_whole_buildings_from_partial_ones(s):
    # Every household of B1 but one (partial), and the one household of B2 (whole).
    b1 = list(Household.objects.filter(building=s.b1).order_by("pk"))
    b2 = list(Household.objects.filter(building=s.b2))
    assert len(b1) > 1 and len(b2) == 1
    scope = Household.objects.filter(pk__in=[h.pk for h in b1[1:] + b2])
    with pinned(scope) as households:
        assert _ids(households) == _ids(scope)
        assert _ids(Building.objects.filter(pk__in=whole_buildings(households))) == {s.b2.pk}
        assert _ids(Building.objects.filter(pk__in=buildings_of(households))) == {s.b1.pk, s.b2.pk}
        # Beyond the summaries: the households in scope of the partial building, and those of a
        # building whose summary is not valid on the date.
        beyond = facts_beyond_summaries(households, [])
        assert set(beyond.values_list("household_id", flat=True)) == {h.pk for h in b1[1:]}
        beyond = facts_beyond_summaries(households, [s.b2.pk])
        assert set(beyond.values_list("household_id", flat=True)) == {h.pk for h in b1[1:] + b2}


def test_a_scope_of_whole_buildings_has_nothing_beyond_the_summaries(s):
    with pinned(Household.objects.filter(project=s.project)) as households:
        assert facts_beyond_summaries(households, []) is None
        assert _ids(Building.objects.filter(pk__in=whole_buildings(households))) == {s.b1.pk, s.b2.pk}
    assert facts_beyond_summaries(Household.objects.all(), []) is None
    stale_dated = facts_beyond_summaries(Household.objects.all(), [s.b3.pk])
    assert set(stale_dated.values_list("household_id", flat=True)) == set(
        HouseholdFact.objects.filter(building=s.b3).values_list("household_id", flat=True)
    )


def test_summaries_count_every_household_of_their_building(s):
    with pinned(Household.objects.filter(building=s.b1)):
        pass  # brings the facts and summaries up to date
    for summary in BuildingSummary.objects.all():
        assert summary.households == Household.objects.filter(building_id=summary.building_id).count()


def test_pinning_again_changes_nothing_and_the_tables_go_on_leaving(s):
    with (
        CaptureQueriesContext(connection) as captured,
        pinned(Household.objects.filter(project=s.project)) as one,
    ):
        names = [q["sql"].split()[3] for q in captured.captured_queries if q["sql"].startswith("CREATE TEMP")]
        with pinned(one) as two:
            assert two is one
        assert all(_table_exists(name) for name in names)
    assert len(names) == 3
    assert not any(_table_exists(name) for name in names)


def test_the_tables_go_with_an_error_and_nothing_else_is_lost(s):
    household = Household.objects.filter(building=s.b1).first()
    with CaptureQueriesContext(connection) as captured:
        with pytest.raises(ZeroDivisionError), pinned(Household.objects.filter(project=s.project)):
            1 / 0  # noqa: B018
    names = [q["sql"].split()[3] for q in captured.captured_queries if q["sql"].startswith("CREATE TEMP")]
    assert names and not any(_table_exists(name) for name in names)
    household.refresh_from_db()  # the connection still works


def test_a_restricted_dashboard_evaluates_its_scope_once(s):
    """A restricted scope is read once for all the figures and the burn-down, instead of once per
    query. Here a landlord's access scope (its buildings, or households positioned on its offers): an
    OR whose subquery would show up in every query."""
    offer = factories.HousingOfferFactory(landlord=s.l1)
    positioned = proposal(s.h["h9"], notified=dt.date(2025, 5, 1), answer=Answer.PENDING)
    positioned.offer = offer
    positioned.save()
    user = factories.UserFactory(organisations=[s.l1])
    assert s.l1.kind == OrganisationKind.LANDLORD
    households = Household.objects.visible_to(user)
    assert s.h["h9"].pk in _ids(households)
    with CaptureQueriesContext(connection) as captured:
        d = board.build(households, METROPOLIS_PERIMETER, AS_OF, hide=False)
    scope_reads = [q for q in captured.captured_queries if "offers_housingoffer" in q["sql"]]
    assert len(scope_reads) == 1
    # The figures are those of the same households computed without pinning.
    from relogement.indicators.selectors import compute

    unpinned = compute(Household.objects.filter(pk__in=list(households.values_list("pk", flat=True))), AS_OF)
    assert d.result.values == unpinned.values
