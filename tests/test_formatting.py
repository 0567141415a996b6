"""French number formatting: the fast path for whole counts gives what the general one gives."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.core.formatting import NBSP, format_date, format_euros, format_number


@pytest.mark.parametrize("value", [0, 7, -7, 999, 1000, -1000, 1234, 12345, 1234567, -9876543210])
def test_whole_numbers_are_grouped_by_thousands(value):
    general = format_number(Decimal(value))  # not an int: the general path
    assert format_number(value) == general
    assert format_number(1234567) == f"1{NBSP}234{NBSP}567"


def test_decimals_and_missing_values():
    assert format_number(Decimal("1234.565"), 2) == f"1{NBSP}234,57"
    assert format_number(2, 1) == "2,0"
    assert format_number(None) == "—" and format_number("") == "—"
    assert format_euros(Decimal("-0.5")) == "-0,50\u00a0€"


@pytest.mark.parametrize(
    ("day", "expected"), [(dt.date(2026, 3, 5), "05/03/2026"), (dt.date(2025, 12, 31), "31/12/2025")]
)
def test_dates_are_day_month_year_as_strftime_gives_them(day, expected):
    assert format_date(day) == expected == day.strftime("%d/%m/%Y")
