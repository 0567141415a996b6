import datetime as dt
from decimal import Decimal

import pytest

from relogement.rehousing.models import HousingStock, RehousingKind
from relogement.rehousing.rent_reduction import apl_rent_ceiling, rent_reduction_payment

D = dt.date


def test_ceiling_grows_with_children_and_zone():
    on = D(2025, 10, 1)
    single = apl_rent_ceiling(zone=2, adults=1, children=0, on=on)
    couple = apl_rent_ceiling(zone=2, adults=2, children=0, on=on)
    one = apl_rent_ceiling(zone=2, adults=2, children=1, on=on)
    three = apl_rent_ceiling(zone=2, adults=2, children=3, on=on)
    assert Decimal("200") < single < couple < one < three
    assert apl_rent_ceiling(zone=1, adults=1, children=0, on=on) > single
    assert apl_rent_ceiling(zone=0, adults=1, children=0, on=on) is None


def _call(**kw):
    args = (
        dict(
            kind=RehousingKind.DEFINITIVE,
            housing_stock=HousingStock.SOCIAL,
            commissioning_date=D(2023, 6, 1),
            move_in_date=D(2025, 10, 1),
            rent=Decimal("300"),
            zone_apl=2,
            adults=2,
            children=1,
        )
        | kw
    )
    return rent_reduction_payment(**args)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, True),
        ({"rent": Decimal("900")}, False),
        ({"commissioning_date": D(2019, 1, 1)}, False),
        ({"commissioning_date": None}, None),
        ({"kind": RehousingKind.TEMPORARY}, False),
        ({"housing_stock": HousingStock.PRIVATE}, False),
        ({"zone_apl": None}, None),
        ({"rent": None}, None),
    ],
)
def test_rent_reduction_payment(kw, expected):
    applies, note = _call(**kw)
    assert applies is expected
    assert note
