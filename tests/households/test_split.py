"""Household split (décohabitation): a new linked household with its own file and lifecycle."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.households.models import Household
from relogement.households.splits import household_split
from relogement.households.statuses import HouseholdStatus
from tests.households.conftest import fill_household


@pytest.fixture
def family(world):
    return fill_household(world.household_a, author=world.users["social_a"], members=3)


def test_split_creates_a_linked_household(world, family):
    son = family.members.get(first_name="Enfant1")
    new = household_split(
        household=family,
        member_ids=[son.pk],
        new_reference="CONC-001-D",
        actor=world.users["social_a"],
        effective_date=dt.date(2025, 3, 1),
        status=HouseholdStatus.SEARCHING,
    )
    assert new.split_from == family and new.project == family.project
    assert new.social_provider == family.social_provider
    assert list(new.members.values_list("first_name", flat=True)) == ["Enfant1"]
    assert new.status == HouseholdStatus.SEARCHING
    change = new.status_changes.get()
    assert (change.from_status, change.to_status, change.effective_date) == (
        "",
        "searching",
        dt.date(2025, 3, 1),
    )
    family.refresh_from_db()
    assert family.members.count() == 2 and family.persons_count == 2
    assert "Décohabitation" in family.history.latest().history_change_reason
    html = world.client_for("social_a").get(reverse("households:detail", args=[new.pk])).content.decode()
    assert "Issu de la décohabitation du ménage" in html


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(member_ids=[]), "au moins un membre"),
        (dict(member_ids="all"), "Au moins un membre doit rester"),
        (dict(new_reference="CONC-002"), "existe déjà"),
        (dict(effective_date=dt.date.today() + dt.timedelta(days=3)), "futur"),
        (dict(effective_date=dt.date(2020, 1, 1)), "recensement"),
        (dict(status=HouseholdStatus.REHOUSED), "commence"),
        (dict(member_ids="foreign"), "n'appartiennent pas"),
    ],
)
def test_split_validation(world, family, kwargs, message):
    ids = list(family.members.values_list("pk", flat=True))
    data = dict(member_ids=ids[-1:], new_reference="NEW-1", effective_date=dt.date(2025, 3, 1))
    data.update(kwargs)
    if data["member_ids"] == "all":
        data["member_ids"] = ids
    if data["member_ids"] == "foreign":
        data["member_ids"] = [999999]
    count = Household.objects.count()
    with pytest.raises(DomainError, match=message):
        household_split(household=family, actor=world.users["social_a"], **data)
    assert Household.objects.count() == count
    assert family.members.count() == 3


def test_split_through_the_page(world, family):
    client = world.client_for("social_a")
    son = family.members.get(first_name="Enfant0")
    url = reverse("households:split", args=[family.pk])
    assert "Membres qui quittent le ménage" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "version": family.version,
            "members": [son.pk],
            "new_reference": "CONC-001-B",
            "effective_date": "2025-03-01",
            "status": "to_diagnose",
        },
    )
    new = Household.objects.get(reference="CONC-001-B")
    assert response.status_code == 302 and response.url == reverse("households:detail", args=[new.pk])
