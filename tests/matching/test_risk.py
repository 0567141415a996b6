"""Demolition-schedule risk: projected vacancy date against the planned demolition date."""

import datetime as dt

import pytest

from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus as S
from relogement.indicators.freshness import refresh
from relogement.matching.risk import building_risks, project_vacancy
from relogement.projects.models import Building
from tests import factories

TODAY = dt.date(2026, 6, 1)


def test_projection_formula():
    start = TODAY - dt.timedelta(days=365)
    months, pace, projected = project_vacancy(remaining=6, departures=12, window_start=start, on=TODAY)
    assert months == pytest.approx(365 / 30.4375)
    assert pace == pytest.approx(12 / months)
    assert projected == TODAY + dt.timedelta(days=round(6 / pace * 30.4375))
    assert project_vacancy(remaining=3, departures=0, window_start=start, on=TODAY)[2] is None
    assert project_vacancy(remaining=0, departures=0, window_start=start, on=TODAY)[2] == TODAY
    # A window shorter than a month counts as one month.
    assert project_vacancy(remaining=1, departures=1, window_start=TODAY, on=TODAY)[0] == 1.0


def _left(household, status, when):
    household.status = status
    household.save()
    HouseholdStatusChange.objects.create(
        household=household, from_status=S.SEARCHING, to_status=status, effective_date=when
    )


@pytest.fixture
def buildings(world):
    late = factories.BuildingFactory(
        operation__project=world.project,
        reference="BAT-LENT",
        landlord=world.orgs["landlord"],
        commune=world.commune,
        planned_demolition_date=TODAY + dt.timedelta(days=60),
    )
    fine = factories.BuildingFactory(
        operation__project=world.project,
        reference="BAT-OK",
        landlord=world.orgs["landlord"],
        commune=world.commune,
        planned_demolition_date=TODAY + dt.timedelta(days=3000),
    )
    # BAT-LENT: 4 left in the year, 4 remain -> a year to empty, demolition in 2 months: at risk.
    for i in range(8):
        h = factories.HouseholdFactory(
            building=late,
            social_provider=world.orgs["social_a"],
            census_date=TODAY - dt.timedelta(days=800),
            status=S.SEARCHING,
            reference=f"L{i}",
            reference_name=f"Famille Lente{i}",
        )
        if i < 4:
            _left(h, S.REHOUSED, TODAY - dt.timedelta(days=30 * (i + 1)))
    # A departure before the window does not count in the pace.
    old = factories.HouseholdFactory(
        building=late, census_date=TODAY - dt.timedelta(days=800), status=S.SEARCHING
    )
    _left(old, S.EXITED, TODAY - dt.timedelta(days=500))
    # BAT-OK: one remains, one left: vacancy well before the demolition.
    for i in range(2):
        h = factories.HouseholdFactory(
            building=fine, census_date=TODAY - dt.timedelta(days=100), status=S.SEARCHING
        )
        if i == 0:
            _left(h, S.TEMPORARILY_REHOUSED, TODAY - dt.timedelta(days=10))
    return late, fine


def test_building_risks(world, buildings, django_assert_max_num_queries):
    late, fine = buildings
    user = world.users["mous"]
    refresh()  # the facts (first departures) are brought up to date once per change, not per read
    with django_assert_max_num_queries(7):
        risks = {
            r.building.reference: r for r in building_risks(user, Building.objects.visible_to(user), on=TODAY)
        }
    r = risks["BAT-LENT"]
    assert (r.remaining, r.departures) == (4, 4)
    assert r.at_risk and r.projected > r.planned and r.delay_days > 0
    assert [b["label"] for b in r.blockers] == [f"L{i} — Famille Lente{i}" for i in range(4, 8)]
    ok = risks["BAT-OK"]
    # Window since the census (100 days), one departure: about 3.3 months per household.
    assert (ok.remaining, ok.departures, ok.at_risk) == (1, 1, False)
    assert ok.blockers == []
    # The world's building: households never left, no pace, demolition planned: at risk.
    assert risks["BAT-A"].no_pace and risks["BAT-A"].at_risk and risks["BAT-A"].projected is None


def test_blockers_are_pseudonymised_and_scoped(world, buildings):
    late, _ = buildings
    metropolis = {r.building.reference: r for r in building_risks(world.users["metropolis"], on=TODAY)}
    assert all(b["label"].startswith("M-") for b in metropolis["BAT-LENT"].blockers)
    provider_b = {r.building.reference: r for r in building_risks(world.users["social_b"], on=TODAY)}
    # Provider B sees the world's building (it follows a household there), not BAT-LENT.
    assert "BAT-LENT" not in provider_b
    assert [b["label"] for b in provider_b["BAT-A"].blockers] == ["CONC-002 — Famille Durand"]


def test_only_at_risk_and_demolished_buildings(world, buildings):
    late, fine = buildings
    fine.actual_demolition_date = TODAY
    fine.save()
    refs = [r.building.reference for r in building_risks(world.users["mous"], on=TODAY, only_at_risk=True)]
    assert "BAT-OK" not in refs and "BAT-LENT" in refs


def test_blockers_list_is_capped(world, buildings, monkeypatch):
    from relogement.matching import risk

    monkeypatch.setattr(risk, "MAX_BLOCKERS_SHOWN", 1)
    r = {x.building.reference: x for x in building_risks(world.users["mous"], on=TODAY)}["BAT-LENT"]
    assert len(r.blockers) == 1 and r.more_blockers == 3


def test_first_departure_only_counts(world, buildings):
    """A household that left before the window, came back and left again counts no departure."""
    late, _ = buildings
    back = factories.HouseholdFactory(
        building=late, census_date=TODAY - dt.timedelta(days=800), status=S.SEARCHING
    )
    _left(back, S.TEMPORARILY_REHOUSED, TODAY - dt.timedelta(days=450))
    _left(back, S.REHOUSED, TODAY - dt.timedelta(days=20))
    # Left after ``on``: not yet a departure.
    future = factories.HouseholdFactory(
        building=late, census_date=TODAY - dt.timedelta(days=800), status=S.SEARCHING
    )
    _left(future, S.REHOUSED, TODAY + dt.timedelta(days=5))
    r = {x.building.reference: x for x in building_risks(world.users["mous"], on=TODAY)}["BAT-LENT"]
    assert r.departures == 4


@pytest.mark.parametrize("extra", [1, 12])
def test_building_risks_query_count_is_constant(world, buildings, extra, django_assert_num_queries):
    """Buildings, households per building (first census), households holding each building on the
    (past) date, the facts' freshness, departures per building (from the facts), blockers: six queries
    whatever the number of buildings and households."""
    for i in range(extra):
        building = factories.BuildingFactory(
            operation__project=world.project,
            reference=f"BAT-X{i}",
            commune=world.commune,
            planned_demolition_date=TODAY + dt.timedelta(days=10 + i),
        )
        for j in range(3):
            h = factories.HouseholdFactory(
                building=building, census_date=TODAY - dt.timedelta(days=50 + i), status=S.SEARCHING
            )
            if j == 0:
                _left(h, S.REHOUSED, TODAY - dt.timedelta(days=5))
    user = world.users["mous"]
    user.active_organisation  # noqa: B018 - loaded once per request by the middleware
    refresh()
    with django_assert_num_queries(6):
        risks = building_risks(user, Building.objects.visible_to(user), on=TODAY)
    assert sum(1 for r in risks if r.building.reference.startswith("BAT-X")) == extra
    assert all(r.departures == 1 for r in risks if r.building.reference.startswith("BAT-X"))
