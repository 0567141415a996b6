"""Working-day arithmetic for the acknowledgement deadline of a grievance.

No holiday library is installed (pyproject.toml), so the eleven French public holidays of the national
calendar are computed here: the fixed ones and the three that follow Easter (Easter Monday, Ascension,
Whit Monday; Easter by the anonymous Gregorian computus). Alsace-Moselle's two extra days (Good Friday,
26 December) are not counted: no project of the metropolis lies there (docs/governance.md § Grievances).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

FIXED = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


def easter_sunday(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@cache
def french_public_holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    moving = {easter + dt.timedelta(days=n) for n in (1, 39, 50)}
    return frozenset({dt.date(year, m, d) for m, d in FIXED} | moving)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (a grievance received on Friday with 2 days: Tuesday;
    on a Saturday or a holiday, counting starts with the next working day all the same)."""
    current = day
    remaining = n
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
