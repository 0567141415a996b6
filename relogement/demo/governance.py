"""Demo governance (docs/governance.md): on the MOUS Lille's busiest project, a committee held ten
days before the demo date (decisions and follow-up actions recorded, minutes sent) and the next one,
planned, with its agenda built by the real rules; and a planned CALEOL session of the demo landlord
grouping its pending proposals. Written with bulk inserts and no history rows, like the rest of the
demo; no proposal changes state (decisions that would move one are left to the users)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from relogement.governance.models import (
    Action,
    CaseReason,
    CommissionItem,
    CommissionSession,
    Committee,
    CommitteeCase,
    DecisionKind,
    SessionStatus,
    SessionTransition,
)
from relogement.governance.selectors import agenda_candidates, pending_commission_proposals

HELD_CASES = 6
PLANNED_CASES = 12
# Decisions of the held committee, in turn: (kind, motive, action or None, owner key, days to due date).
DECISIONS = [
    (
        DecisionKind.SPECIAL_OFFER,
        "Grande famille : aucune offre T5 disponible",
        "Rechercher une offre T5 hors QPV",
        "landlord",
        30,
    ),
    (
        DecisionKind.MEDIATION,
        "Refus répétés : médiation proposée au ménage",
        "Organiser une rencontre avec le ménage",
        "mous",
        15,
    ),
    (
        DecisionKind.PREFECT_QUOTA,
        "Relogement urgent avant la démolition",
        "Saisir les services de l'État (contingent préfectoral)",
        "commune",
        21,
    ),
    (DecisionKind.NO_CHANGE, "", None, None, 0),
]


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def generate_governance(gen, as_of: dt.date) -> dict[str, int]:
    mous = gen.mous_orgs[0]
    projects = mous.projects.annotate(n=Count("households")).filter(n__gt=0).order_by("-n", "pk")
    project = projects.first()
    if project is None:
        return {}
    commune = gen.commune_orgs.get(project.commune.insee_code)
    landlord = gen.landlords[0]
    invited = [
        o for o in (commune, gen.provider_a, gen.provider_b, landlord, gen.metropolis) if o is not None
    ]
    people = [gen.persona_users[k] for k in ("commune", "social-a", "bailleur")]
    user = gen.persona_users["mous"]
    candidates = sorted(agenda_candidates(project=project, actor=user).values(), key=lambda c: c.household_id)

    held, planned = Committee.objects.bulk_create(
        [
            Committee(
                project=project,
                organiser=mous,
                starts_at=_aware(as_of - dt.timedelta(days=10), 14),
                place="Mairie de quartier, salle du conseil",
                status=SessionStatus.MINUTES_SENT,
                minutes_sent_at=_aware(as_of - dt.timedelta(days=8), 10),
                created_by=user,
            ),
            Committee(
                project=project,
                organiser=mous,
                starts_at=_aware(as_of + dt.timedelta(days=14), 14),
                place="Mairie de quartier, salle du conseil",
                video_link="https://visio.example.invalid/comite",
                status=SessionStatus.PLANNED,
                created_by=user,
            ),
        ]
    )
    for committee in (held, planned):
        committee.invited_organisations.set(invited)
        committee.invited_people.set(people)
    owners = {"landlord": landlord, "mous": mous, "commune": commune or mous}
    cases, actions = [], []
    held_count = min(HELD_CASES, len(candidates) // 2)
    held_rows = [(c.household_id, c.reasons) for c in candidates[:held_count]]
    # A small demo may have few cases needing a decision today: the past committee also examined
    # households added by its secretary, some of them rehoused since.
    if len(held_rows) < HELD_CASES:
        taken = {c.household_id for c in candidates}
        extra = project.households.exclude(pk__in=taken).order_by("pk").values_list("pk", flat=True)
        held_rows += [(pk, [CaseReason.MANUAL]) for pk in extra[: HELD_CASES - len(held_rows)]]
    for i, (household_id, reasons) in enumerate(held_rows):
        kind, note, title, owner, days = DECISIONS[i % len(DECISIONS)]
        cases.append(
            CommitteeCase(
                committee=held,
                household_id=household_id,
                reasons=reasons,
                decision=kind,
                decision_note=note,
                decided_at=held.starts_at,
                decided_by=user,
            )
        )
    CommitteeCase.objects.bulk_create(cases)
    for i, case in enumerate(cases):
        kind, note, title, owner, days = DECISIONS[i % len(DECISIONS)]
        if title:
            actions.append(
                Action(
                    title=title,
                    owner_organisation=owners[owner],
                    due_date=as_of + dt.timedelta(days=days),
                    household_id=case.household_id,
                    committee_case=case,
                    created_by=user,
                )
            )
    Action.objects.bulk_create(actions)
    CommitteeCase.objects.bulk_create(
        [
            CommitteeCase(
                committee=planned,
                household_id=c.household_id,
                reasons=c.reasons,
                flag_id=c.flag_id,
                pending_proposal_id=c.proposal_id,
            )
            for c in candidates[held_count : held_count + PLANNED_CASES]
        ]
    )
    (session,) = CommissionSession.objects.bulk_create(
        [
            CommissionSession(
                landlord=landlord,
                date=as_of + dt.timedelta(days=7),
                place="Siège du bailleur",
                created_by=gen.persona_users["bailleur"],
            )
        ]
    )
    pending = list(pending_commission_proposals(landlord=landlord)[:15])
    CommissionItem.objects.bulk_create([CommissionItem(session=session, proposal=p) for p in pending])
    SessionTransition.objects.bulk_create(
        [
            SessionTransition(committee=held, from_status="", to_status=SessionStatus.PLANNED, actor=user),
            SessionTransition(
                committee=held, from_status=SessionStatus.PLANNED, to_status=SessionStatus.HELD, actor=user
            ),
            SessionTransition(
                committee=held,
                from_status=SessionStatus.HELD,
                to_status=SessionStatus.MINUTES_SENT,
                actor=user,
            ),
            SessionTransition(committee=planned, from_status="", to_status=SessionStatus.PLANNED, actor=user),
            SessionTransition(
                commission=session, from_status="", to_status=SessionStatus.PLANNED, actor=session.created_by
            ),
        ]
    )
    return {
        "committees": 2,
        "committee_cases": len(cases) + min(PLANNED_CASES, len(candidates) - held_count),
        "commission_items": len(pending),
    }
