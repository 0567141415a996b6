"""Reads of governance: the cases a committee should examine, the one-page case summary as its reader
may see it, the pending proposals of a landlord, and a household's governance history.

Agenda rules (docs/governance.md): among the households of the committee's project,
- without a solution (to diagnose or searching) in a building at risk for its demolition date
  (``matching.risk.building_risks``, the verdict of the decision-support pages);
- with two refusals or more and still not rehoused;
- with a proposal awaiting a decision: notified and not answered, or postponed by a CALEOL;
- flagged by their social provider (« à présenter en comité »), flag still open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Q

from relogement.governance.models import (
    Action,
    CaseReason,
    CommissionItem,
    CommitteeCase,
    CommitteeFlag,
)
from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus as S
from relogement.households.visibility import display_name, visibility_for
from relogement.offers.models import Proposal, ProposalStatus
from relogement.permissions import predicates

WITHOUT_SOLUTION = (S.TO_DIAGNOSE, S.SEARCHING)
NOT_REHOUSED = (S.TO_DIAGNOSE, S.SEARCHING, S.PROPOSAL_IN_PROGRESS)
AWAITING_DECISION = (ProposalStatus.PROPOSED, ProposalStatus.COMMISSION_POSTPONED)
REFUSALS_THRESHOLD = 2
# A CALEOL examines proposals the household accepted, or that a previous session postponed.
COMMISSION_PENDING = (ProposalStatus.ACCEPTED, ProposalStatus.COMMISSION_POSTPONED)


@dataclass
class Candidate:
    household_id: int
    reasons: list[str] = field(default_factory=list)
    flag_id: int | None = None
    proposal_id: int | None = None


def agenda_candidates(*, project, actor) -> dict[int, Candidate]:
    """Household id → why it needs a decision, for every household of the project (a fixed number of
    queries). ``actor`` only serves the risk computation's scope of buildings (its project)."""
    from relogement.matching.risk import building_risks
    from relogement.projects.models import Building

    found: dict[int, Candidate] = {}

    def add(pk: int, reason: str) -> Candidate:
        candidate = found.setdefault(pk, Candidate(pk))
        if reason not in candidate.reasons:
            candidate.reasons.append(reason)
        return candidate

    households = Household.objects.filter(project=project)
    # Buildings of the project, whoever the actor is: the verdict is a building aggregate.
    risks = building_risks(actor, Building.objects.filter(project=project), only_at_risk=True)
    at_risk = [r.building.pk for r in risks if r.at_risk]
    if at_risk:
        for pk in households.filter(building_id__in=at_risk, status__in=WITHOUT_SOLUTION).values_list(
            "pk", flat=True
        ):
            add(pk, CaseReason.BUILDING_AT_RISK)
    refused = (
        households.filter(status__in=NOT_REHOUSED)
        .annotate(refusals=Count("proposals", filter=Q(proposals__status=ProposalStatus.REFUSED)))
        .filter(refusals__gte=REFUSALS_THRESHOLD)
        .values_list("pk", flat=True)
    )
    for pk in refused:
        add(pk, CaseReason.REFUSALS)
    pending = (
        Proposal.objects.filter(household__project=project, status__in=AWAITING_DECISION)
        .order_by("household_id", "pk")
        .values_list("household_id", "pk")
    )
    for household_id, proposal_id in pending:
        candidate = add(household_id, CaseReason.PENDING_PROPOSAL)
        candidate.proposal_id = candidate.proposal_id or proposal_id
    flags = (
        CommitteeFlag.objects.filter(household__project=project, closed_at__isnull=True)
        .order_by("household_id", "-created_at")
        .values_list("household_id", "pk")
    )
    for household_id, flag_id in flags:
        candidate = add(household_id, CaseReason.FLAGGED)
        candidate.flag_id = candidate.flag_id or flag_id
    return found


@dataclass
class AgendaRow:
    case: CommitteeCase
    label: str
    in_scope: bool  # the reader may open the household's summary


def agenda(*, committee, user) -> list[AgendaRow]:
    """The committee's cases as the reader may see them: a household outside the reader's own scope is
    shown by its pseudonym only, and its summary is not offered."""
    cases = list(
        committee.cases.filter(removed_at__isnull=True)
        .select_related("household", "offer", "flag", "proposal", "pending_proposal")
        .prefetch_related("actions__owner_organisation", "actions__owner_person")
        .order_by("household__reference", "pk")
    )
    visible = set(
        Household.objects.visible_to(user)
        .filter(pk__in=[c.household_id for c in cases])
        .values_list("pk", flat=True)
    )
    rows = []
    for case in cases:
        in_scope = case.household_id in visible
        label = display_name(user, case.household) if in_scope else case.household.pseudonym
        rows.append(AgendaRow(case, label, in_scope))
    return rows


def case_summary(*, case: CommitteeCase, user) -> dict:
    """The one page a committee member reads on a case, section by section under the household file's
    predicates (households.visibility): names or pseudonym, resources, diagnosis conclusions, and the
    social notes for the assigned provider only (never the landlord nor the metropolis)."""
    household = case.household
    vis = visibility_for(user, household)
    proposals = list(
        Proposal.objects.visible_to(user)
        .filter(household=household)
        .select_related("offer", "commune", "refusal_reason")
        .order_by("-positioned_at", "-pk")
    )
    diagnosis = household.diagnoses.order_by("-date", "-pk").first() if vis.diagnosis_any else None
    findings = None
    if (
        diagnosis is not None
        and vis.diagnosis_findings
        and predicates.can_view_social_note(user, household, diagnosis)
    ):
        findings = diagnosis.findings
    support = []
    if vis.support_log:
        support = [
            entry
            for entry in household.support_log.order_by("-date", "-pk")[:3]
            if predicates.can_view_social_note(user, household, entry)
        ]
    return {
        "case": case,
        "household": household,
        "vis": vis,
        "name": display_name(user, household),
        "proposals": proposals,
        "refusals": sum(1 for p in proposals if p.status == ProposalStatus.REFUSED),
        "conclusions": diagnosis.conclusions if diagnosis is not None and vis.diagnosis_conclusions else None,
        "findings": findings,
        "support_log": support,
        "flags": list(household.committee_flags.filter(closed_at__isnull=True)),
    }


def pending_commission_proposals(*, landlord, exclude_session=None):
    """Proposals on the landlord's offers waiting for its CALEOL (accepted, or postponed by a previous
    session), not already on a session still to be held."""
    planned = CommissionItem.objects.filter(
        session__status="planned", outcome=""
    ) | CommissionItem.objects.filter(
        outcome="allocated", rank__gte=2
    )  # a conditional attribution (rank 2+) waits for its confirmation, not for another session
    if exclude_session is not None:
        planned = planned | CommissionItem.objects.filter(session=exclude_session)
    return (
        Proposal.objects.filter(offer__landlord=landlord, status__in=COMMISSION_PENDING)
        .exclude(pk__in=planned.values("proposal_id"))
        .select_related("household", "offer")
        .order_by("offer__reference", "pk")
    )


def household_history(*, household, user) -> dict:
    """Committee decisions and follow-up actions of one household, for its file (which the reader
    already sees): the decisions carry no social note, only their kind, offer and motive."""
    from relogement.governance.models import Committee

    # Most files never went to a committee nor to a CALEOL: one query says which lists to read
    # (rather than three queries returning nothing).
    cases_qs = household.committee_cases.filter(removed_at__isnull=True)
    flags_qs = household.committee_flags.filter(closed_at__isnull=True)
    items_qs = CommissionItem.objects.filter(proposal__household=household).exclude(outcome="")
    present = (
        Household.objects.filter(pk=household.pk)
        .values(
            cases=Exists(cases_qs),
            flags=Exists(flags_qs),
            items=Exists(items_qs),
        )
        .get()
    )
    cases = (
        list(cases_qs.select_related("committee__project", "offer").order_by("-committee__starts_at", "-pk"))
        if present["cases"]
        else []
    )
    visible_committees = set(
        Committee.objects.visible_to(user)
        .filter(pk__in=[c.committee_id for c in cases])
        .values_list("pk", flat=True)
    )
    actions = defaultdict(list)
    # Shown under their case only: no case, no query.
    for action in (
        Action.objects.filter(household=household).select_related("owner_organisation", "owner_person")
        if cases
        else ()
    ):
        actions[action.committee_case_id].append(action)
    return {
        "household": household,
        "rows": [
            {"case": c, "linked": c.committee_id in visible_committees, "actions": actions.get(c.pk, [])}
            for c in cases
        ],
        "open_flags": list(flags_qs) if present["flags"] else [],
        "can_flag": predicates.can_flag_for_committee(user, household),
        "commission_items": list(
            items_qs.select_related("session__landlord", "proposal__offer").order_by("-session__date", "-pk")
        )
        if present["items"]
        else [],
    }
