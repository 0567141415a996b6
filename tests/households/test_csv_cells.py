"""The list export's CSV cells (``listing.csv_value``): dispatched on the exact type for speed, the same
text as the general rule (``core.spreadsheet.csv_field`` with the French formats) for every kind of
value, formula-like text included."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.core.spreadsheet import csv_field
from relogement.households.listing import _csv_format, csv_value

SAMPLES = [
    None,
    "",
    "Famille Martin",
    "=1+2",
    "-3",
    "+33 6 12",
    "@SOMME(A1)",
    "\tx",
    "\rx",
    "'=x",
    "''",
    "'Aulnoye",
    "Hélène",
    Decimal("12.5"),
    Decimal("-1234.567"),
    dt.date(2026, 1, 5),
    dt.date(999, 12, 31),
    dt.datetime(2026, 1, 5, 3, 4),
    True,
    0,
    42,
    3.5,
]


@pytest.mark.parametrize("value", SAMPLES, ids=repr)
def test_fast_cell_equals_the_general_rule(value):
    assert csv_value(value) == csv_field(value, _csv_format)


def test_french_formats_and_formula_quoting():
    assert csv_value(Decimal("1234.5")) == "1234,50"
    assert csv_value(dt.date(2026, 3, 7)) == "07/03/2026"
    assert csv_value("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_value("'=x") == "''=x"
