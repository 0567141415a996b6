"""Burn-down per building and the simple risk rule, on the hand-built scenario."""

import datetime as dt

import pytest

from relogement.indicators.burndown import BuildingProgress, building_progress
from relogement.indicators.perimeter import PROJECT, Perimeter
from relogement.indicators.selectors import ALL, scoped_households
from tests.indicators.builders import scenario

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def s(db):
    return scenario()


def test_burndown_per_building(s):
    households = scoped_households(ALL, Perimeter(PROJECT, str(s.project.pk)))
    by_ref = {b.reference: b for b in building_progress(households, AS_OF)}
    assert set(by_ref) == {"B1", "B2"}  # the empty building has no census household
    b1, b2 = by_ref["B1"], by_ref["B2"]
    # B1: h1..h5 censused in January 2024; h1 rehoused in March 2025, h4 exited in April, h2 rehoused in
    # June; h3 (temporary) and h5 (moves in in 2026) remain.
    assert (b1.census, b1.remaining, b1.left_recently) == (5, 2, 0)
    series = dict(b1.series)
    assert series[dt.date(2024, 1, 1)] == 5
    assert series[dt.date(2025, 2, 1)] == 5
    assert series[dt.date(2025, 3, 1)] == 4
    assert series[dt.date(2025, 4, 1)] == 3
    assert series[dt.date(2025, 6, 1)] == 2
    assert series[dt.date(2025, 12, 1)] == 2
    assert len(b1.series) == 24
    assert b1.pace == 0 and b1.projected_end(AS_OF) is None
    assert (b2.census, b2.remaining, b2.left_recently) == (1, 0, 1)
    assert dict(b2.series)[dt.date(2025, 9, 1)] == 1 and dict(b2.series)[dt.date(2025, 10, 1)] == 0
    # The risk verdict is not decided here (matching.risk.verdict, tests/matching/test_one_verdict.py).
    assert b2.risk == ""


def test_pace_and_projected_end():
    def progress(remaining, left_recently, planned):
        return BuildingProgress(
            1, "B", "P", planned, census=20, remaining=remaining, left_recently=left_recently
        )

    far = dt.date(2028, 1, 1)
    # 12 remaining at 1 a month (6 in 6 months): done by 12/2026.
    assert progress(12, 6, far).projected_end(AS_OF) == dt.date(2026, 12, 1)
    assert progress(0, 6, far).projected_end(AS_OF) == AS_OF
    assert progress(3, 0, far).projected_end(AS_OF) is None
