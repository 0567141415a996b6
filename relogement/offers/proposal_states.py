"""The proposal state machine: one transition table, read by the services, the views and the docs.

The same table is written in docs/proposals.md (status before, status after, who, function, case);
``tests/offers/test_proposal_states.py`` checks every allowed and every forbidden transition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relogement.offers.models import ProposalStatus as P
from relogement.permissions import predicates


@dataclass(frozen=True)
class ProposalTransitionRule:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    allowed: Callable  # predicate(user) -> bool
    who: str  # for the docs
    needs_reason: bool = False


# Proposals still "alive": they keep the household in "proposition en cours" and the offer taken.
ACTIVE = frozenset(
    {P.POSITIONED, P.PROPOSED, P.ACCEPTED, P.COMMISSION_ALLOCATED, P.COMMISSION_POSTPONED, P.LEASE_SIGNED}
)
# Notified and not closed: what keeps a household in "proposition en cours".
IN_PROGRESS = ACTIVE - {P.POSITIONED}
CLOSED = frozenset({P.REFUSED, P.WITHDRAWN, P.COMMISSION_REJECTED, P.MOVED_IN})

_POSITIONERS = "Bureau d'étude / MOUS, prestataire social"
_COMMISSION = "Bailleur, bureau d'étude / MOUS"


def _can_position(user) -> bool:
    return predicates.can_position_households(user)


def _can_record_commission(user) -> bool:
    return predicates.can_record_commission(user)


def _can_withdraw(user) -> bool:
    return predicates.can_position_households(user) or predicates.can_record_commission(user)


RULES: dict[str, ProposalTransitionRule] = {
    r.action: r
    for r in [
        ProposalTransitionRule(
            "notify",
            "Notifier la proposition",
            frozenset({P.POSITIONED}),
            P.PROPOSED,
            _can_position,
            _POSITIONERS,
        ),
        ProposalTransitionRule(
            "accept",
            "Acceptation du ménage",
            frozenset({P.PROPOSED}),
            P.ACCEPTED,
            _can_position,
            _POSITIONERS,
        ),
        ProposalTransitionRule(
            "refuse",
            "Refus du ménage",
            frozenset({P.PROPOSED}),
            P.REFUSED,
            _can_position,
            _POSITIONERS,
            needs_reason=True,
        ),
        ProposalTransitionRule(
            "withdraw",
            "Retirer le positionnement ou la proposition",
            frozenset({P.POSITIONED, P.PROPOSED, P.ACCEPTED, P.COMMISSION_POSTPONED, P.COMMISSION_ALLOCATED}),
            P.WITHDRAWN,
            _can_withdraw,
            f"{_POSITIONERS}, bailleur",
            needs_reason=True,
        ),
        ProposalTransitionRule(
            "allocate",
            "Attribution en CALEOL",
            frozenset({P.ACCEPTED, P.COMMISSION_POSTPONED}),
            P.COMMISSION_ALLOCATED,
            _can_record_commission,
            _COMMISSION,
        ),
        ProposalTransitionRule(
            "reject",
            "Refus d'attribution en CALEOL",
            frozenset({P.ACCEPTED, P.COMMISSION_POSTPONED}),
            P.COMMISSION_REJECTED,
            _can_record_commission,
            _COMMISSION,
            needs_reason=True,
        ),
        ProposalTransitionRule(
            "postpone",
            "Ajournement en CALEOL",
            frozenset({P.ACCEPTED}),
            P.COMMISSION_POSTPONED,
            _can_record_commission,
            _COMMISSION,
        ),
        ProposalTransitionRule(
            "sign_lease",
            "Signature du bail",
            frozenset({P.COMMISSION_ALLOCATED}),
            P.LEASE_SIGNED,
            _can_record_commission,
            _COMMISSION,
        ),
        ProposalTransitionRule(
            "move_in",
            "Emménagement",
            frozenset({P.LEASE_SIGNED}),
            P.MOVED_IN,
            _can_record_commission,
            _COMMISSION,
        ),
    ]
}

# The first state, written by proposal_position (no "from" state).
POSITION_LABEL = "Positionnement du ménage sur l'offre"


def allowed_actions(proposal, user) -> list[ProposalTransitionRule]:
    """Actions the user may apply to the proposal now (used to show the forms)."""
    return [r for r in RULES.values() if proposal.status in r.sources and r.allowed(user)]
