"""Build household contexts and offer tables without the database (criteria and plan tests)."""

import datetime as dt

import numpy as np

from relogement.matching.criteria.base import HouseholdContext, OfferTable

TODAY = dt.date(2026, 6, 1)


def household(**overrides) -> HouseholdContext:
    values = {"pk": 1, "adults": 2, "children": 1, "today": TODAY}
    values.update(overrides)
    return HouseholdContext(**values)


def offer_row(**overrides) -> dict:
    row = {
        "pk": 1,
        "reference": "OF-1",
        "commune_id": 10,
        "commune_name": "Lille",
        "insee_code": "59350",
        "in_qpv": False,
        "rooms": 3,
        "living_area": 65,
        "floor": 1,
        "has_lift": False,
        "accessible": False,
        "is_house": False,
        "rent": 430,
        "charges": 90,
        "commissioning": None,
        "available_from": TODAY,
    }
    row.update(overrides)
    return row


def offers(*rows: dict) -> OfferTable:
    return OfferTable.from_rows(
        [offer_row(pk=i + 1, reference=f"OF-{i + 1}", **row) for i, row in enumerate(rows)]
    )


def rac(*values) -> np.ndarray:
    return np.array(values, dtype=float)


def constant_rac(value):
    """A residual-rent provider returning ``value`` for every offer (no openfisca in criteria tests)."""

    def provider(hh, table, indices):
        return np.full(len(indices), float(value))

    return provider
