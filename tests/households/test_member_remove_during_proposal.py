"""A member is not removed while a proposal is in progress (issue 14, « Bad input »)."""

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.households import services
from relogement.households.models import HouseholdMember
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import ProposalStatus
from tests import factories

MESSAGE = "Une proposition de logement est en cours pour ce ménage : un membre ne peut pas être retiré"


def _with_members(household):
    factories.HouseholdMemberFactory(household=household, relation="reference")
    return factories.HouseholdMemberFactory(household=household, relation="enfant")


def test_refused_while_the_household_is_in_proposal_in_progress(world):
    household = world.household_a
    child = _with_members(household)
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save()
    with pytest.raises(DomainError, match=MESSAGE):
        services.member_remove(member=child, actor=world.users["social_a"], expected_version=None)
    assert HouseholdMember.objects.filter(pk=child.pk).exists()


def test_refused_while_a_notified_proposal_is_open(world):
    household = world.household_a
    child = _with_members(household)
    factories.ProposalFactory(household=household, status=ProposalStatus.PROPOSED)
    with pytest.raises(DomainError, match=MESSAGE):
        services.member_remove(member=child, actor=world.users["social_a"], expected_version=None)
    assert HouseholdMember.objects.filter(pk=child.pk).exists()


def test_allowed_once_the_proposal_is_closed(world):
    household = world.household_a
    child = _with_members(household)
    factories.ProposalFactory(household=household, status=ProposalStatus.REFUSED)
    services.member_remove(member=child, actor=world.users["social_a"], expected_version=None)
    assert not HouseholdMember.objects.filter(pk=child.pk).exists()


def test_the_file_page_says_why_in_french(world):
    household = world.household_a
    child = _with_members(household)
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save()
    household.refresh_from_db()
    client = world.client_for("social_a")
    url = reverse("households:member_remove", args=[household.pk, child.pk])
    response = client.post(url, {"version": household.version}, follow=True)
    assert MESSAGE in response.content.decode().replace("&#x27;", "'")
    assert HouseholdMember.objects.filter(pk=child.pk).exists()
