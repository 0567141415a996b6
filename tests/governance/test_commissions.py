"""CALEOL sessions: grouping pending proposals, the four outcomes driving the proposal machine,
postponement carried to a later session, session states, scope."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.governance import services
from relogement.governance.models import CommissionOutcome, SessionStatus
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import ProposalStatus, ProposalTransition
from tests import factories
from tests.governance.builders import accepted_proposal, offer_for

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _session(world, **kwargs):
    return services.commission_plan(actor=world.users["landlord"], date=YESTERDAY, place="Siège", **kwargs)


def test_session_groups_the_landlords_pending_proposals_only(world):
    mine = accepted_proposal(world)
    other_offer = factories.HousingOfferFactory(landlord=world.orgs["other_landlord"], commune=world.commune)
    accepted_proposal(world, household=world.household_b, offer=other_offer)
    factories.ProposalFactory(household=world.household_b, offer=offer_for(world, "OF-2"), status="proposed")
    session = _session(world)
    assert [i.proposal for i in session.items.all()] == [mine]
    # Already on a planned session: not offered to another one.
    assert _session(world).items.count() == 0
    with pytest.raises(DomainError):
        services.commission_plan(actor=world.users["mous"], date=YESTERDAY)


def _decide(world, session, outcome, **kwargs):
    return services.commission_decide(
        item=session.items.get(), actor=world.users["landlord"], outcome=outcome, **kwargs
    )


def _last_transition(proposal):
    return ProposalTransition.objects.filter(proposal=proposal).latest("pk")


def test_attribution_with_rank_allocates_the_proposal(world):
    proposal = accepted_proposal(world)
    session = _session(world)
    with pytest.raises(DomainError):
        _decide(world, session, CommissionOutcome.ALLOCATED)  # no rank
    item = _decide(world, session, CommissionOutcome.ALLOCATED, rank=1)
    proposal.refresh_from_db()
    assert item.rank == 1
    assert proposal.status == ProposalStatus.COMMISSION_ALLOCATED and proposal.commission_date == YESTERDAY
    assert _last_transition(proposal).reason == "Attribution en rang 1"
    proposal.offer.refresh_from_db()
    assert proposal.offer.status == "reserved"


@pytest.mark.parametrize(
    ("outcome", "prefix"),
    [
        (CommissionOutcome.NOT_ALLOCATED, "Non-attribution"),
        (CommissionOutcome.INADMISSIBLE, "Rejet pour irrecevabilité"),
    ],
)
def test_non_attribution_and_inadmissibility_reject_with_reason(world, outcome, prefix):
    proposal = accepted_proposal(world)
    session = _session(world)
    with pytest.raises(DomainError):
        _decide(world, session, outcome)  # reason required
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    _decide(world, session, outcome, reason="Ressources insuffisantes")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSION_REJECTED
    assert _last_transition(proposal).reason == f"{prefix} : Ressources insuffisantes"
    world.household_a.refresh_from_db()
    assert world.household_a.status == S.SEARCHING  # back to the search (offers.services)


def test_postponement_keeps_the_proposal_pending_for_a_later_session(world):
    proposal = accepted_proposal(world)
    first = _session(world)
    _decide(world, first, CommissionOutcome.POSTPONED, reason="Pièce manquante")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSION_POSTPONED
    services.commission_hold(session=first, actor=world.users["landlord"])
    services.commission_close(session=first, actor=world.users["landlord"])
    second = _session(world)
    assert second.items.get().proposal == proposal
    # Postponed again: no transition (the machine has none from postponed to postponed), still pending.
    transitions = ProposalTransition.objects.filter(proposal=proposal).count()
    _decide(world, second, CommissionOutcome.POSTPONED)
    assert ProposalTransition.objects.filter(proposal=proposal).count() == transitions
    third = _session(world)
    _decide(world, third, CommissionOutcome.ALLOCATED, rank=1)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSION_ALLOCATED


def test_the_machine_refuses_a_second_allocation_of_the_same_dwelling(world):
    accepted_proposal(world)
    accepted_proposal(world, household=world.household_b)
    session = _session(world)
    first, second = session.items.order_by("pk")
    services.commission_decide(item=first, actor=world.users["landlord"], outcome="allocated", rank=1)
    with pytest.raises(DomainError, match="déjà attribué"):
        services.commission_decide(item=second, actor=world.users["landlord"], outcome="allocated", rank=1)
    second.refresh_from_db()
    assert second.outcome == ""


def test_a_session_in_the_future_cannot_decide_nor_be_held(world):
    accepted_proposal(world)
    session = services.commission_plan(
        actor=world.users["landlord"], date=dt.date.today() + dt.timedelta(days=7)
    )
    with pytest.raises(DomainError):
        _decide(world, session, CommissionOutcome.ALLOCATED, rank=1)
    with pytest.raises(DomainError):
        services.commission_hold(session=session, actor=world.users["landlord"])


def test_session_states_and_log(world):
    accepted_proposal(world)
    session = _session(world)
    landlord = world.users["landlord"]
    with pytest.raises(DomainError):
        services.commission_close(session=session, actor=landlord)  # not held
    services.commission_hold(session=session, actor=landlord)
    with pytest.raises(DomainError):
        services.commission_close(session=session, actor=landlord)  # undecided item
    _decide(world, session, CommissionOutcome.ALLOCATED, rank=1)
    services.commission_close(session=session, actor=landlord)
    session.refresh_from_db()
    assert session.status == SessionStatus.MINUTES_SENT
    assert list(session.transitions.values_list("to_status", flat=True)) == [
        "planned",
        "held",
        "minutes_sent",
    ]
    assert session.history.count() >= 3


def test_decision_page_drives_the_machine_and_shows_errors(world):
    proposal = accepted_proposal(world)
    session = _session(world)
    item = session.items.get()
    client = world.client_for("landlord")
    url = reverse("governance:commission_decide", args=[session.pk, item.pk])
    response = client.post(url, {"outcome": "not_allocated"})
    assert response.status_code == 200 and "Un motif est obligatoire" in response.content.decode()
    assert client.post(url, {"outcome": "allocated", "rank": "1"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMMISSION_ALLOCATED
    # The household file shows the outcome.
    body = (
        world.client_for("mous")
        .get(reverse("households:detail", args=[world.household_a.pk]))
        .content.decode()
    )
    assert "Décisions de CALEOL" in body and "rang 1" in body


def test_project_office_sees_the_session_but_only_its_households(world):
    accepted_proposal(world)
    other_household = factories.HouseholdFactory(
        building=world.other_building,
        reference="ALMA-XYZ",
        reference_name="Famille Lointaine",
        status=S.SEARCHING,
    )
    accepted_proposal(world, household=other_household, offer=offer_for(world, "OF-B"))
    session = _session(world)
    assert session.items.count() == 2
    body = (
        world.client_for("mous")
        .get(reverse("governance:commission_detail", args=[session.pk]))
        .content.decode()
    )
    assert "Famille Martin" in body and "Famille Lointaine" not in body
    landlord_body = world.client_for("landlord").get(
        reverse("governance:commission_detail", args=[session.pk])
    )
    assert "Famille Lointaine" in landlord_body.content.decode()
    assert (
        world.client_for("social_a")
        .get(reverse("governance:commission_detail", args=[session.pk]))
        .status_code
        == 404
    )


def test_demo_has_a_planned_and_a_held_committee_and_a_caleol_session(db):
    import io

    from django.core.management import call_command

    from relogement.governance.models import CommissionSession, Committee

    call_command("load_demo", households=160, seed=7, stdout=io.StringIO())
    statuses = set(Committee.objects.values_list("status", flat=True))
    assert {SessionStatus.PLANNED, SessionStatus.MINUTES_SENT} <= statuses
    held = Committee.objects.get(status=SessionStatus.MINUTES_SENT)
    assert held.cases.exclude(decision="").exists() and held.cases.filter(actions__isnull=False).exists()
    assert CommissionSession.objects.filter(status=SessionStatus.PLANNED).exists()
    # The personas see them on first login.
    from django.test import Client

    from relogement.accounts.models import User

    for username in ("mous", "commune", "bailleur", "social-a", "metropole"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        body = client.get(reverse("governance:index")).content.decode()
        assert "Aucun comité." not in body, username
    pages = [
        ("mous", reverse("governance:committee_detail", args=[held.pk])),
        ("metropole", reverse("governance:committee_detail", args=[held.pk])),
        ("mous", reverse("governance:committee_minutes", args=[held.pk])),
        ("bailleur", reverse("governance:commission_detail", args=[CommissionSession.objects.get().pk])),
    ]
    for username, url in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 200, (username, url)


def test_landlord_adds_and_removes_proposals_while_planned(world):
    session = _session(world)
    assert session.items.count() == 0
    proposal = accepted_proposal(world)
    client = world.client_for("landlord")
    client.post(reverse("governance:commission_item_add", args=[session.pk]), {"proposal": "abc"})
    assert session.items.count() == 0
    client.post(reverse("governance:commission_item_add", args=[session.pk]), {"proposal": proposal.pk})
    item = session.items.get()
    assert item.proposal == proposal
    client.post(reverse("governance:commission_item_remove", args=[session.pk, item.pk]))
    assert session.items.count() == 0
    services.commission_hold(session=session, actor=world.users["landlord"])
    with pytest.raises(DomainError):
        services.commission_item_add(session=session, proposal=proposal, actor=world.users["landlord"])
