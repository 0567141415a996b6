"""Fixtures of the API tests: the benefits engine stubbed as in tests/offers (notifications and
move-ins estimate the residual rent), households ready to be positioned, an offer, a refusal reason."""

import pytest

from relogement.offers import residual_rent
from tests.offers.conftest import FakeEngine, make_searching


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch):
    monkeypatch.setattr(residual_rent, "_engine", lambda: FakeEngine)
    return FakeEngine


@pytest.fixture
def searching(world):
    make_searching(world.household_a)
    make_searching(world.household_b)
    return world
