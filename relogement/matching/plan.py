"""The allocation plan: an optimal assignment of households to offers, and the first-come baseline.

Objective (docs/matching.md): maximise Σ value[h, o] over the chosen pairs, with

    value[h, o] = priority[h] × (1 + suitability[h, o])   for allowed pairs, 0 for forbidden ones
    priority[h] = 1 + urgency[h],  urgency = clip(1 − days until demolition / 730, 0, 1)

The constant 1 rewards every household rehoused (one household without a solution stops the works);
suitability in [0, 1] ranks the solutions; the priority doubles the weight of a household whose building
is demolished today, relative to one demolished in two years or more. Forbidden pairs (hard criteria,
exclusions) are given value 0: a full assignment of ``linear_sum_assignment`` then contains an optimal
partial matching of allowed pairs (value > 0), the zero pairs being dropped. Pins are fixed first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

URGENCY_HORIZON_DAYS = 730


def priority(demolition_dates: list[dt.date | None], today: dt.date) -> np.ndarray:
    days = np.array([(d - today).days if d else np.inf for d in demolition_dates], dtype=float)
    return 1.0 + np.clip(1.0 - days / URGENCY_HORIZON_DAYS, 0.0, 1.0)


def values(suitability: np.ndarray, allowed: np.ndarray, prio: np.ndarray) -> np.ndarray:
    return np.where(allowed, prio[:, None] * (1.0 + suitability), 0.0)


@dataclass
class Assignment:
    pairs: list[tuple[int, int]]  # (household row, offer column)
    objective: float
    suitability: float
    pinned: set[tuple[int, int]] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.pairs)


def _summarise(pairs, value, suitability, pinned=()) -> Assignment:
    pairs = sorted(pairs)
    return Assignment(
        pairs=pairs,
        objective=float(sum(value[h, o] for h, o in pairs)),
        suitability=float(sum(suitability[h, o] for h, o in pairs)),
        pinned=set(pinned),
    )


def solve(
    suitability: np.ndarray,
    allowed: np.ndarray,
    prio: np.ndarray,
    *,
    pins: list[tuple[int, int]] = (),
    exclusions: list[tuple[int, int]] = (),
) -> Assignment:
    """Optimal plan. ``pins`` are kept whatever their value (a person decided them); ``exclusions``
    are forbidden. A household or offer pinned twice keeps its first pin."""
    allowed = allowed.copy()
    for h, o in exclusions:
        allowed[h, o] = False
    value = values(suitability, allowed, prio)
    kept_pins: list[tuple[int, int]] = []
    used_rows, used_cols = set(), set()
    for h, o in pins:
        if h not in used_rows and o not in used_cols:
            kept_pins.append((h, o))
            used_rows.add(h)
            used_cols.add(o)
    # Households and offers without any allowed partner cannot be in an optimal plan: leaving them
    # out of the solver shrinks the problem without changing the optimum.
    useful_rows = allowed.any(axis=1)
    useful_cols = allowed.any(axis=0)
    rows = np.array(
        [h for h in range(value.shape[0]) if h not in used_rows and useful_rows[h]], dtype=np.int64
    )
    cols = np.array(
        [o for o in range(value.shape[1]) if o not in used_cols and useful_cols[o]], dtype=np.int64
    )
    pairs = list(kept_pins)
    if len(rows) and len(cols):
        sub = value[np.ix_(rows, cols)]
        r, c = linear_sum_assignment(sub, maximize=True)
        keep = sub[r, c] > 0
        pairs += [(int(rows[i]), int(cols[j])) for i, j in zip(r[keep], c[keep], strict=True)]
    full_value = values(suitability, np.ones_like(allowed), prio)
    # Pinned pairs count with their value as if allowed: the plan shows what the person chose.
    return _summarise(pairs, np.where(allowed, value, full_value), suitability, kept_pins)


def first_come_first_served(
    suitability: np.ndarray, allowed: np.ndarray, prio: np.ndarray, order: list[int]
) -> Assignment:
    """Households in ``order`` each take their most suitable remaining allowed offer."""
    value = values(suitability, allowed, prio)
    free = np.ones(suitability.shape[1], dtype=bool)
    pairs = []
    for h in order:
        candidates = allowed[h] & free
        if not candidates.any():
            continue
        o = int(np.argmax(np.where(candidates, suitability[h], -np.inf)))
        pairs.append((h, o))
        free[o] = False
    return _summarise(pairs, value, suitability)
