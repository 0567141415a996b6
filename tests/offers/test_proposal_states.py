"""Every transition of the proposal table, allowed and forbidden, through the services."""

import datetime as dt
import itertools

import pytest

from relogement.core.errors import DomainError
from relogement.households.statuses import HouseholdStatus
from relogement.offers import proposal_states, services
from relogement.offers.models import CommissionDecision, ProposalStatus, ProposalTransition
from relogement.rehousing.models import Rehousing
from tests import factories
from tests.offers.conftest import days_ago, make_searching


def _call(action, proposal, actor, reason):
    if action == "notify":
        return services.proposal_notify(proposal=proposal, actor=actor, notified_date=days_ago(10))
    if action == "accept":
        return services.proposal_accept(proposal=proposal, actor=actor, answer_date=days_ago(8))
    if action == "refuse":
        return services.proposal_refuse(
            proposal=proposal, actor=actor, answer_date=days_ago(8), refusal_reason=reason
        )
    if action == "withdraw":
        return services.proposal_withdraw(proposal=proposal, actor=actor, reason="Erreur de positionnement")
    if action in ("allocate", "reject", "postpone"):
        decision = {
            "allocate": CommissionDecision.ALLOCATED,
            "reject": CommissionDecision.REJECTED,
            "postpone": CommissionDecision.POSTPONED,
        }[action]
        return services.proposal_record_commission(
            proposal=proposal,
            actor=actor,
            decision=decision,
            commission_date=days_ago(6),
            reason="Dossier incomplet",
        )
    if action == "sign_lease":
        return services.proposal_sign_lease(proposal=proposal, actor=actor, lease_date=days_ago(4))
    if action == "move_in":
        return services.proposal_move_in(proposal=proposal, actor=actor, move_in_date=days_ago(2))
    raise AssertionError(action)


def _proposal_in(world, offer, status):
    household = make_searching(world.household_a)
    household.status = HouseholdStatus.PROPOSAL_IN_PROGRESS
    household.save(update_fields=["status"])
    return factories.ProposalFactory(
        household=household,
        offer=offer,
        status=status,
        notified_date=None if status == ProposalStatus.POSITIONED else days_ago(10),
        answer_date=days_ago(8)
        if status not in (ProposalStatus.POSITIONED, ProposalStatus.PROPOSED)
        else None,
        commission_date=days_ago(6)
        if status
        in (
            ProposalStatus.COMMISSION_POSTPONED,
            ProposalStatus.COMMISSION_ALLOCATED,
            ProposalStatus.LEASE_SIGNED,
        )
        else None,
        lease_date=days_ago(4) if status == ProposalStatus.LEASE_SIGNED else None,
    )


PAIRS = list(itertools.product(ProposalStatus.values, proposal_states.RULES))


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_transition_table(world, offer, reason, status, action):
    proposal = _proposal_in(world, offer, status)
    rule = proposal_states.RULES[action]
    actor = world.users["mous"]  # the project office may do every action of the table
    before = ProposalTransition.objects.count()
    if status in rule.sources:
        _call(action, proposal, actor, reason)
        proposal.refresh_from_db()
        assert proposal.status == rule.target
        log = ProposalTransition.objects.latest("pk")
        assert (log.from_status, log.to_status, log.actor) == (status, rule.target, actor)
    else:
        with pytest.raises(DomainError, match="impossible"):
            _call(action, proposal, actor, reason)
        proposal.refresh_from_db()
        assert proposal.status == status
        assert ProposalTransition.objects.count() == before
        assert not Rehousing.objects.exists()


@pytest.mark.parametrize(
    ("persona", "action", "status"),
    [
        ("landlord", "notify", ProposalStatus.POSITIONED),
        ("landlord", "accept", ProposalStatus.PROPOSED),
        ("landlord", "refuse", ProposalStatus.PROPOSED),
        ("social_a", "allocate", ProposalStatus.ACCEPTED),
        ("social_a", "sign_lease", ProposalStatus.COMMISSION_ALLOCATED),
        ("social_a", "move_in", ProposalStatus.LEASE_SIGNED),
        ("commune", "withdraw", ProposalStatus.POSITIONED),
        ("metropolis", "notify", ProposalStatus.POSITIONED),
    ],
)
def test_who_may_act(world, offer, reason, persona, action, status):
    proposal = _proposal_in(world, offer, status)
    with pytest.raises(DomainError, match="pas le droit"):
        _call(action, proposal, world.users[persona], reason)
    proposal.refresh_from_db()
    assert proposal.status == status


def test_reasons_required(world, offer):
    proposal = _proposal_in(world, offer, ProposalStatus.PROPOSED)
    with pytest.raises(DomainError, match="motivé"):
        services.proposal_refuse(
            proposal=proposal, actor=world.users["mous"], answer_date=days_ago(1), refusal_reason=None
        )
    with pytest.raises(DomainError, match="motif est obligatoire"):
        services.proposal_withdraw(proposal=proposal, actor=world.users["mous"], reason="  ")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.refusal_reason_text == ""


def test_allowed_actions_depend_on_who(world, offer):
    proposal = _proposal_in(world, offer, ProposalStatus.ACCEPTED)
    assert {r.action for r in proposal_states.allowed_actions(proposal, world.users["landlord"])} == {
        "allocate",
        "reject",
        "postpone",
        "withdraw",
    }
    assert {r.action for r in proposal_states.allowed_actions(proposal, world.users["social_a"])} == {
        "withdraw"
    }


def test_dates_in_order(world, offer, reason):
    actor = world.users["mous"]
    proposal = _proposal_in(world, offer, ProposalStatus.PROPOSED)
    with pytest.raises(DomainError, match="ne peut pas précéder"):
        services.proposal_accept(proposal=proposal, actor=actor, answer_date=days_ago(11))
    with pytest.raises(DomainError, match="futur"):
        services.proposal_accept(
            proposal=proposal, actor=actor, answer_date=dt.date.today() + dt.timedelta(days=1)
        )
    services.proposal_accept(proposal=proposal, actor=actor, answer_date=days_ago(8))
    with pytest.raises(DomainError, match="ne peut pas précéder"):
        services.proposal_record_commission(
            proposal=proposal, actor=actor, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(9)
        )
    services.proposal_record_commission(
        proposal=proposal, actor=actor, decision=CommissionDecision.ALLOCATED, commission_date=days_ago(6)
    )
    with pytest.raises(DomainError, match="ne peut pas précéder"):
        services.proposal_sign_lease(proposal=proposal, actor=actor, lease_date=days_ago(7))
    services.proposal_sign_lease(proposal=proposal, actor=actor, lease_date=days_ago(4))
    with pytest.raises(DomainError, match="ne peut pas précéder"):
        services.proposal_move_in(proposal=proposal, actor=actor, move_in_date=days_ago(5))
    with pytest.raises(DomainError, match="futur"):
        services.proposal_move_in(
            proposal=proposal, actor=actor, move_in_date=dt.date.today() + dt.timedelta(days=3)
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.LEASE_SIGNED
    assert proposal.move_in_date is None
    assert not Rehousing.objects.exists()


def test_notification_date_checks(world, offer):
    household = make_searching(world.household_a)
    proposal = services.proposal_position(offer=offer, household=household, actor=world.users["social_a"])
    with pytest.raises(DomainError, match="futur"):
        services.proposal_notify(
            proposal=proposal,
            actor=world.users["social_a"],
            notified_date=dt.date.today() + dt.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="date limite de réponse"):
        services.proposal_notify(
            proposal=proposal,
            actor=world.users["social_a"],
            notified_date=days_ago(3),
            answer_deadline=days_ago(5),
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.POSITIONED
    assert proposal.notified_date is None and proposal.rent is None
