"""Lifecycle actions: every allowed transition, every forbidden one, reasons, the page's actions."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.households.lifecycle import (
    TRANSITIONS,
    TransitionNotAllowed,
    actions_available_to,
    household_transition,
)
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import HouseholdStatus
from tests.factories import RehousingFactory

ALLOWED = [(source, t.action) for t in TRANSITIONS.values() for source in sorted(t.sources)]
FORBIDDEN = [
    (status, action)
    for status in HouseholdStatus.values
    for action, t in TRANSITIONS.items()
    if status not in t.sources
]


def _at(household, status):
    Household.objects.filter(pk=household.pk).update(status=status)
    household.refresh_from_db()
    return household


def _kwargs(action, household=None):
    kwargs = {"effective_date": dt.date(2025, 1, 10), "reason": "motif de test"}
    if action == "exit":
        kwargs["exit_reason"] = "depart_autonome"
    kind = TRANSITIONS[action].needs_rehousing
    if kind and household is not None:
        # "Relogé" goes with its record (written by the caller in the same transaction).
        kwargs["rehousing"] = RehousingFactory(
            household=household,
            kind=kind,
            move_in_date=kwargs["effective_date"],
            commune=household.building.commune,
        )
    return kwargs


@pytest.mark.parametrize("status,action", ALLOWED)
def test_allowed_transition(world, status, action):
    household = _at(world.household_a, status)
    household_transition(
        household=household, action=action, actor=world.users["social_a"], **_kwargs(action, household)
    )
    household.refresh_from_db()
    assert household.status == TRANSITIONS[action].target
    change = household.status_changes.latest("pk")
    assert (change.from_status, change.to_status) == (status, TRANSITIONS[action].target)


@pytest.mark.parametrize("status,action", FORBIDDEN)
def test_forbidden_transition(world, status, action):
    household = _at(world.household_a, status)
    before = HouseholdStatusChange.objects.count()
    with pytest.raises(TransitionNotAllowed, match="impossible depuis le statut"):
        household_transition(
            household=household, action=action, actor=world.users["social_a"], **_kwargs(action)
        )
    household.refresh_from_db()
    assert household.status == status and household.version == 1
    assert HouseholdStatusChange.objects.count() == before


@pytest.mark.parametrize("action", [a for a, t in TRANSITIONS.items() if t.needs_reason and a != "exit"])
def test_reason_is_required(world, action):
    source = sorted(TRANSITIONS[action].sources)[0]
    household = _at(world.household_a, source)
    with pytest.raises(TransitionNotAllowed, match="motif est obligatoire"):
        household_transition(
            household=household, action=action, actor=None, effective_date=dt.date(2025, 1, 1)
        )


def test_dates_are_checked(world):
    household = world.household_a
    with pytest.raises(TransitionNotAllowed, match="futur"):
        household_transition(
            household=household,
            action="diagnose",
            actor=None,
            effective_date=dt.date.today() + dt.timedelta(days=2),
        )
    with pytest.raises(TransitionNotAllowed, match="recensement"):
        household_transition(
            household=household, action="diagnose", actor=None, effective_date=dt.date(2020, 1, 1)
        )
    with pytest.raises(TransitionNotAllowed, match="Action inconnue"):
        household_transition(household=household, action="teleport", actor=None)


def test_actions_offered_on_the_page_follow_the_role(world):
    household = world.household_a
    assert [t.action for t in actions_available_to(world.users["social_a"], household)] == [
        "diagnose",
        "exit",
    ]
    assert actions_available_to(world.users["commune"], household) == []
    html = (
        world.client_for("social_a").get(reverse("households:detail", args=[household.pk])).content.decode()
    )
    assert "Diagnostic réalisé : ouvrir la recherche" in html and "Sortie sans relogement" in html
    html = (
        world.client_for("landlord").get(reverse("households:detail", args=[household.pk])).content.decode()
    )
    assert "Actions possibles" not in html


def test_transition_through_the_page(world):
    household = world.household_a
    client = world.client_for("social_a")
    url = reverse("households:transition", args=[household.pk])
    response = client.post(url, {"action": "close", "effective_date": "2025-01-10"}, follow=True)
    assert "impossible depuis le statut" in response.content.decode()
    response = client.post(
        url, {"action": "exit", "effective_date": "2025-01-10", "reason": "parti"}, follow=True
    )
    assert "Indiquez le motif de sortie" in response.content.decode()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.TO_DIAGNOSE
    response = client.post(
        url,
        {"action": "exit", "effective_date": "2025-01-10", "exit_reason": "deces", "reason": ""},
        follow=True,
    )
    household.refresh_from_db()
    assert household.status == HouseholdStatus.EXITED and household.exit_reason == "deces"
    assert "Décès" in response.content.decode()


def test_docs_table_lists_every_transition():
    from pathlib import Path

    lines = (Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md").read_text().splitlines()
    for status, action in ALLOWED:
        target = TRANSITIONS[action].target
        assert any(
            line.startswith(f"| `{status}`") and f"| `{target}`" in line and f'action="{action}"' in line
            for line in lines
        ), (status, action)
