import datetime as dt

import pytest

from relogement.households.lifecycle import TransitionNotAllowed, household_transition
from relogement.households.models import HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus


def test_transition_logs_who_when_from_to(world):
    household = world.household_a
    actor = world.users["social_a"]
    household_transition(
        household=household, action="diagnose", actor=actor, effective_date=dt.date(2024, 4, 1)
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.SEARCHING
    change = HouseholdStatusChange.objects.filter(household=household).latest("pk")
    assert (change.from_status, change.to_status, change.actor) == ("to_diagnose", "searching", actor)


def test_forbidden_transition_changes_nothing(world):
    household = world.household_a
    with pytest.raises(TransitionNotAllowed, match="impossible"):
        household_transition(household=household, action="close", actor=world.users["social_a"])
    household.refresh_from_db()
    assert household.status == HouseholdStatus.TO_DIAGNOSE
    assert HouseholdStatusChange.objects.filter(household=household).count() == 1


def test_exit_requires_exit_reason(world):
    with pytest.raises(TransitionNotAllowed, match="motif de sortie"):
        household_transition(household=world.household_a, action="exit", actor=None, reason="parti")
