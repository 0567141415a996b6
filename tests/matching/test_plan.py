"""The allocation plan is optimal (checked by brute force), respects pins and exclusions, beats FCFS."""

import datetime as dt
import itertools

import numpy as np
import pytest

from relogement.matching import plan


def brute_force(value: np.ndarray) -> float:
    """Best total over every partial matching (each household: one offer or none), value 0 = forbidden."""
    rows, cols = value.shape
    best = 0.0
    for choice in itertools.permutations(range(cols + rows), rows):
        total = 0.0
        for h, o in enumerate(choice):
            if o < cols:
                if value[h, o] <= 0:
                    break
                total += value[h, o]
        else:
            best = max(best, total)
    return best


def random_case(seed, rows, cols, forbidden=0.3):
    rng = np.random.default_rng(seed)
    suitability = rng.random((rows, cols))
    allowed = rng.random((rows, cols)) > forbidden
    prio = 1 + rng.random(rows)
    return suitability, allowed, prio


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(("rows", "cols"), [(5, 5), (6, 4), (4, 6), (3, 3)])
def test_plan_is_optimal_against_brute_force(seed, rows, cols):
    suitability, allowed, prio = random_case(seed, rows, cols)
    result = plan.solve(suitability, allowed, prio)
    value = plan.values(suitability, allowed, prio)
    assert result.objective == pytest.approx(brute_force(value))
    assert all(allowed[h, o] for h, o in result.pairs)
    assert len({h for h, _ in result.pairs}) == len(result.pairs) == len({o for _, o in result.pairs})


@pytest.mark.parametrize("seed", range(20))
def test_first_come_first_served_never_beats_the_plan(seed):
    suitability, allowed, prio = random_case(seed, 6, 5)
    order = list(np.random.default_rng(seed).permutation(6))
    fcfs = plan.first_come_first_served(suitability, allowed, prio, order)
    optimal = plan.solve(suitability, allowed, prio)
    assert fcfs.objective <= optimal.objective + 1e-9
    assert all(allowed[h, o] for h, o in fcfs.pairs)


def test_first_come_first_served_takes_the_best_remaining_offer_in_order():
    suitability = np.array([[0.9, 0.8], [0.95, 0.1]])
    allowed = np.ones((2, 2), dtype=bool)
    prio = np.ones(2)
    fcfs = plan.first_come_first_served(suitability, allowed, prio, [0, 1])
    assert fcfs.pairs == [(0, 0), (1, 1)]
    optimal = plan.solve(suitability, allowed, prio)
    assert optimal.pairs == [(0, 1), (1, 0)]
    assert optimal.objective > fcfs.objective


@pytest.mark.parametrize("seed", range(8))
def test_pins_and_exclusions_are_respected(seed):
    suitability, allowed, prio = random_case(seed, 5, 5, forbidden=0.1)
    free = plan.solve(suitability, allowed, prio)
    pinned = (0, 4)
    excluded = free.pairs[-1] if free.pairs[-1][0] != 0 else free.pairs[0]
    result = plan.solve(suitability, allowed, prio, pins=[pinned], exclusions=[excluded])
    assert pinned in result.pairs and pinned in result.pinned
    assert excluded not in result.pairs
    # Optimal among the plans containing the pin and avoiding the exclusion.
    rest_allowed = allowed.copy()
    rest_allowed[excluded] = False
    rest_allowed[0, :] = False
    rest_allowed[:, 4] = False
    rest = plan.values(suitability, rest_allowed, prio)
    pin_value = prio[0] * (1 + suitability[pinned])
    assert result.objective == pytest.approx(brute_force(rest) + pin_value)


def test_a_pin_on_a_forbidden_pair_is_kept_and_conflicting_pins_ignored():
    suitability = np.full((2, 2), 0.5)
    allowed = np.array([[False, True], [True, True]])
    result = plan.solve(suitability, allowed, np.ones(2), pins=[(0, 0), (1, 0)])
    assert (0, 0) in result.pairs and (1, 0) not in result.pairs
    assert result.pinned == {(0, 0)}


def test_households_without_any_allowed_offer_stay_unassigned():
    suitability = np.full((3, 2), 0.5)
    allowed = np.array([[True, False], [False, False], [True, True]])
    result = plan.solve(suitability, allowed, np.ones(3))
    assert sorted(result.pairs) == [(0, 0), (2, 1)]


def test_priority_favours_the_soonest_demolition():
    today = dt.date(2026, 1, 1)
    prio = plan.priority(
        [today, today + dt.timedelta(days=365), None, today + dt.timedelta(days=2000)], today
    )
    assert prio.tolist() == pytest.approx([2.0, 1.5, 1.0, 1.0])
    # One offer, two equally suited households: the one demolished first gets it.
    result = plan.solve(np.array([[0.5], [0.5]]), np.ones((2, 1), dtype=bool), prio[:2][::-1])
    assert result.pairs == [(1, 0)]
