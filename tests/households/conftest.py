import datetime as dt
from decimal import Decimal

import pytest

from relogement.households.models import (
    HouseholdMember,
    NextStep,
    Relation,
    ResourceLine,
    SocialDiagnosis,
    SupportLogEntry,
    WishedLocation,
    Wishes,
)


def fill_household(household, *, author, members=3, entries=2, steps=2):
    """A complete file: members, resources, diagnosis, support log, steps, wishes, health note."""
    HouseholdMember.objects.create(
        household=household,
        first_name="Nadia",
        last_name="Martin",
        birth_date=dt.date(1979, 4, 12),
        relation=Relation.REFERENCE,
        employment="salarie",
    )
    for i in range(members - 1):
        HouseholdMember.objects.create(
            household=household,
            first_name=f"Enfant{i}",
            last_name="Martin",
            birth_date=dt.date(2012, 1, 1 + i % 27),
            relation=Relation.CHILD,
        )
    ResourceLine.objects.create(household=household, kind="salaire", monthly_amount=Decimal("1400.00"))
    ResourceLine.objects.create(
        household=household, kind="prestations_familiales", monthly_amount=Decimal("250.00")
    )
    SocialDiagnosis.objects.create(
        household=household,
        date=dt.date(2024, 4, 2),
        author=author,
        findings="Constat confidentiel : dette de loyer ancienne",
        conclusions="Conclusion partagée : T4 en priorité",
        rent_arrears=True,
    )
    for i in range(entries):
        SupportLogEntry.objects.create(
            household=household,
            kind="visite",
            date=dt.date(2024, 5, 1 + i % 27),
            summary=f"Résumé secret {i}",
            author=author,
        )
    for i in range(steps):
        NextStep.objects.create(
            household=household, title=f"Étape {i}", due_date=dt.date(2025, 1, 1 + i % 27)
        )
    household.health_note = "Note santé : asthme sévère"
    household.sne_number = "059123456789"
    household.save()
    wishes = Wishes.objects.create(
        household=household, dwelling_types=["T4"], max_residual_rent=Decimal("300")
    )
    WishedLocation.objects.create(
        wishes=wishes, rank=1, commune=household.building.commune, neighbourhood="Bois-Blancs"
    )
    return household


@pytest.fixture
def rich(world):
    return fill_household(world.household_a, author=world.users["social_a"])
