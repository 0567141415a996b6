"""CALEOL attribution with rank (issue 15 point 2): rank 1 allocates; rank 2 or more is a
conditional attribution (the proposal is postponed through the machine, the dwelling stays with
rank 1) that the landlord confirms once the candidates before it withdrew."""

import datetime as dt

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.governance import selectors, services
from relogement.governance.models import CommissionOutcome
from relogement.offers import services as offer_services
from relogement.offers.models import ProposalStatus, ProposalTransition
from tests.governance.builders import accepted_proposal

pytestmark = pytest.mark.django_db

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _ranked(world):
    """Two candidates for one dwelling: household A in rank 1, household B in rank 2."""
    first = accepted_proposal(world)
    second = accepted_proposal(world, household=world.household_b)
    session = services.commission_plan(actor=world.users["landlord"], date=YESTERDAY, place="Siège")
    item1 = session.items.get(proposal=first)
    item2 = session.items.get(proposal=second)
    landlord = world.users["landlord"]
    services.commission_decide(item=item1, actor=landlord, outcome=CommissionOutcome.ALLOCATED, rank=1)
    services.commission_decide(item=item2, actor=landlord, outcome=CommissionOutcome.ALLOCATED, rank=2)
    return session, first, second, item1, item2


def test_rank_two_is_a_conditional_attribution(world):
    session, first, second, item1, item2 = _ranked(world)
    first.refresh_from_db()
    second.refresh_from_db()
    item2.refresh_from_db()
    assert first.status == ProposalStatus.COMMISSION_ALLOCATED
    assert second.status == ProposalStatus.COMMISSION_POSTPONED  # through the machine's `postpone`
    assert item2.outcome == CommissionOutcome.ALLOCATED and item2.rank == 2
    assert services.awaiting_rank(item2) and not services.awaiting_rank(item1)
    transition = ProposalTransition.objects.filter(proposal=second).latest("pk")
    assert transition.reason.startswith("Attribution en rang 2, sous réserve du désistement")
    # Not offered to the next session: it waits for its confirmation.
    assert second not in selectors.pending_commission_proposals(landlord=world.orgs["landlord"])
    # Confirming while rank 1 holds the dwelling is refused by the machine; nothing changes.
    with pytest.raises(DomainError, match="déjà attribué"):
        services.commission_confirm_rank(item=item2, actor=world.users["landlord"])
    second.refresh_from_db()
    assert second.status == ProposalStatus.COMMISSION_POSTPONED


def test_confirmed_after_rank_one_withdraws(world):
    session, first, second, item1, item2 = _ranked(world)
    offer_services.proposal_withdraw(proposal=first, actor=world.users["landlord"], reason="Désistement")
    with pytest.raises(DomainError, match="Seul le bailleur"):
        services.commission_confirm_rank(item=item2, actor=world.users["mous"])
    services.commission_confirm_rank(item=item2, actor=world.users["landlord"])
    second.refresh_from_db()
    item2.refresh_from_db()
    assert second.status == ProposalStatus.COMMISSION_ALLOCATED
    assert item2.confirmed_on == dt.date.today() and not services.awaiting_rank(item2)
    second.offer.refresh_from_db()
    assert second.offer.status == "reserved"
    assert item2.history.first().history_change_reason == "Attribution en rang 2 confirmée"
    with pytest.raises(DomainError, match="pas d'attribution en rang 2"):
        services.commission_confirm_rank(item=item2, actor=world.users["landlord"])
    with pytest.raises(DomainError, match="pas d'attribution en rang 2"):
        services.commission_confirm_rank(item=item1, actor=world.users["landlord"])


def test_the_page_shows_and_confirms_a_waiting_rank(world):
    session, first, second, item1, item2 = _ranked(world)
    client = world.client_for("landlord")
    url = reverse("governance:commission_detail", kwargs={"pk": session.pk})
    body = client.get(url).content.decode()
    assert "En attente du désistement des rangs précédents" in body
    confirm = reverse("governance:commission_confirm_rank", kwargs={"pk": session.pk, "item_pk": item2.pk})
    assert confirm in body
    body = client.post(confirm, follow=True).content.decode()
    assert "déjà attribué" in body  # French error, nothing changed
    offer_services.proposal_withdraw(proposal=first, actor=world.users["landlord"], reason="Désistement")
    body = client.post(confirm, follow=True).content.decode()
    assert "Attribution en rang 2 confirmée" in body and "Confirmée le" in body
    second.refresh_from_db()
    assert second.status == ProposalStatus.COMMISSION_ALLOCATED
    assert world.client_for("mous").post(confirm).status_code == 404
