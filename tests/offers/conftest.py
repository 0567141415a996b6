"""Fixtures of the offers area: the benefits engine stubbed (real-engine tests are marked), households
ready to be positioned, an offer of the world's landlord."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus
from relogement.offers import residual_rent
from relogement.offers.models import RefusalReason
from tests import factories

TODAY = dt.date.today()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


class FakeEngine:
    """Stands for relogement.benefits.engine: APL = 40 % of the rent, RLS = 30 € in social housing."""

    calls = 0

    class Profile:
        def __init__(self, household):
            self.adults = household.adults_count
            self.children = household.children_count
            self.monthly_taxable_income = household.monthly_resources

    class Result:
        def __init__(self, apl, rls, rac, inputs):
            self.apl, self.rls, self.rac, self.effort_rate, self.inputs = apl, rls, rac, None, inputs
            self.assumptions = ()

    @classmethod
    def profile_for_household(cls, household):
        return cls.Profile(household)

    @classmethod
    def compute_benefits(cls, *, profile, insee_code, rent, charges, stock, month=None):
        cls.calls += 1
        apl = (rent * Decimal("0.4")).quantize(Decimal("0.01"))
        rls = Decimal("30.00") if stock == "social" else Decimal("0.00")
        return cls.Result(
            apl,
            rls,
            rent + charges - apl - rls,
            {"commune": insee_code, "adultes": profile.adults, "stock": stock},
        )

    @staticmethod
    def effort_rate(rac, monthly_resources):
        if not monthly_resources:
            return None
        return (rac / monthly_resources).quantize(Decimal("0.0001"))


@pytest.fixture
def real_engine():
    """Request this fixture to run a test against relogement.benefits.engine (openfisca)."""
    from relogement.benefits import engine

    return engine


@pytest.fixture(autouse=True)
def fake_engine(request, monkeypatch):
    if "real_engine" in request.fixturenames:
        return None
    monkeypatch.setattr(residual_rent, "_engine", lambda: FakeEngine)
    return FakeEngine


def make_searching(household, day=None):
    """Diagnosed: the household is searching (status and its log)."""
    household.status = HouseholdStatus.SEARCHING
    household.save(update_fields=["status"])
    HouseholdStatusChange.objects.create(
        household=household,
        from_status=HouseholdStatus.TO_DIAGNOSE,
        to_status=HouseholdStatus.SEARCHING,
        effective_date=day or dt.date(2024, 4, 1),
    )
    return household


@pytest.fixture
def offer(world):
    return factories.HousingOfferFactory(
        landlord=world.orgs["landlord"],
        commune=world.commune,
        dwelling_type="T3",
        living_area=Decimal("65"),
        rent=Decimal("430"),
        charges=Decimal("90"),
        commissioning_date=dt.date(2024, 9, 1),
    )


@pytest.fixture
def reason(db):
    return RefusalReason.objects.create(code="localisation", label="Localisation ne convenant pas")


@pytest.fixture
def searching(world):
    make_searching(world.household_a)
    make_searching(world.household_b)
    return world
