"""The grievance state machine (escalation path): one transition table, read by the services, the views
and the docs (docs/governance.md § Grievances). Every transition is logged in GrievanceTransition.

    reçue → accusé de réception → remontée à la commune → remontée au pilotage métropolitain
                    ↘                    ↘                        ↘
                                    clôturée (réponse, accord ou non du ménage)
"""

from __future__ import annotations

from dataclasses import dataclass

from relogement.grievances.models import GrievanceStatus as G


@dataclass(frozen=True)
class GrievanceTransitionRule:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    who: str  # for the docs; the rule is predicates.can_handle_grievance, per level
    needs_reason: bool = False


RULES: dict[str, GrievanceTransitionRule] = {
    r.action: r
    for r in [
        GrievanceTransitionRule(
            "acknowledge",
            "Accuser réception",
            frozenset({G.RECEIVED}),
            G.ACKNOWLEDGED,
            "Organisation responsable, bureau d'étude / MOUS",
        ),
        GrievanceTransitionRule(
            "escalate_commune",
            "Remonter à la commune",
            frozenset({G.ACKNOWLEDGED}),
            G.COMMUNE,
            "Organisation responsable, bureau d'étude / MOUS",
            needs_reason=True,
        ),
        GrievanceTransitionRule(
            "escalate_metropolis",
            "Remonter au pilotage métropolitain",
            frozenset({G.COMMUNE}),
            G.METROPOLIS,
            "Commune",
            needs_reason=True,
        ),
        GrievanceTransitionRule(
            "close",
            "Clôturer",
            frozenset({G.ACKNOWLEDGED, G.COMMUNE, G.METROPOLIS}),
            G.CLOSED,
            "Qui traite au niveau atteint (responsable ou MOUS ; commune ; commune ou MOUS)",
        ),
    ]
}

RECORD_LABEL = "Enregistrement de la réclamation"


def allowed_actions(grievance, user) -> list[GrievanceTransitionRule]:
    from relogement.permissions.predicates import can_handle_grievance

    if not can_handle_grievance(user, grievance):
        return []
    return [r for r in RULES.values() if grievance.status in r.sources]
