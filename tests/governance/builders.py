"""Governance objects built on the ``world`` fixture (idempotent: access cases call them per persona)."""

import datetime as dt

from django.utils import timezone

from relogement.governance.models import (
    Action,
    CommissionItem,
    CommissionSession,
    Committee,
    CommitteeCase,
    CommitteeFlag,
)
from relogement.households.statuses import HouseholdStatus
from relogement.offers.models import HousingOffer, Proposal, ProposalStatus
from tests import factories


def committee_for(world) -> Committee:
    """A committee of the project planned by the MOUS yesterday; commune, provider A, the landlord and
    the metropolis invited; household A on the agenda (flagged by its provider)."""
    committee = Committee.objects.filter(project=world.project, place="Salle ACCES").first()
    if committee is not None:
        return committee
    committee = Committee.objects.create(
        project=world.project,
        organiser=world.orgs["mous"],
        starts_at=timezone.now() - dt.timedelta(days=1),
        place="Salle ACCES",
        created_by=world.users["mous"],
    )
    committee.invited_organisations.set(
        [world.orgs[k] for k in ("commune", "social_a", "landlord", "metropolis")]
    )
    flag = CommitteeFlag.objects.create(
        household=world.household_a,
        reason="Besoin d'un T5",
        organisation=world.orgs["social_a"],
        flagged_by=world.users["social_a"],
    )
    case = CommitteeCase.objects.create(
        committee=committee, household=world.household_a, reasons=["flagged"], flag=flag
    )
    Action.objects.create(
        title="Rechercher un T5",
        owner_organisation=world.orgs["landlord"],
        due_date=dt.date(2027, 3, 1),
        household=world.household_a,
        committee_case=case,
    )
    return committee


def open_action(world) -> Action:
    """The access committee's action, reopened (the update case closes it for each persona)."""
    action = Action.objects.get(committee_case__committee=committee_for(world))
    Action.objects.filter(pk=action.pk).update(status="open")
    return action


def offer_for(world, reference="CALEOL-1") -> HousingOffer:
    offer = HousingOffer.objects.filter(landlord=world.orgs["landlord"], reference=reference).first()
    return offer or factories.HousingOfferFactory(
        landlord=world.orgs["landlord"], commune=world.commune, reference=reference
    )


def accepted_proposal(world, household=None, offer=None) -> Proposal:
    household = household or world.household_a
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save(update_fields=["status"])
    return factories.ProposalFactory(
        household=household,
        offer=offer or offer_for(world),
        status=ProposalStatus.ACCEPTED,
        notified_date=dt.date.today() - dt.timedelta(days=20),
        answer_date=dt.date.today() - dt.timedelta(days=10),
        is_compliant=True,
    )


def commission_for(world) -> CommissionSession:
    """A CALEOL session of the landlord, yesterday, examining household A's accepted proposal."""
    session = CommissionSession.objects.filter(landlord=world.orgs["landlord"], place="Siège ACCES").first()
    if session is not None:
        return session
    session = CommissionSession.objects.create(
        landlord=world.orgs["landlord"],
        date=dt.date.today() - dt.timedelta(days=1),
        place="Siège ACCES",
        created_by=world.users["landlord"],
    )
    CommissionItem.objects.create(session=session, proposal=accepted_proposal(world))
    return session
