"""Demo working groups (docs/governance.md, issue 15 point 3): « Grandes familles » on the MOUS Lille's
busiest project and « Reste à charge » at the metropolitan scale, each with a meeting held before the
demo date (minutes, indicators frozen by the real computation, decisions, actions with owners and due
dates) and the next one. Bulk inserts without history rows, like the rest of the demo."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from relogement.governance.models import (
    Action,
    GroupDecision,
    GroupMeeting,
    IndicatorSnapshot,
    WorkingGroup,
)
from relogement.governance.working_groups import snapshot_compute
from relogement.indicators.perimeter import METROPOLIS_PERIMETER, PROJECT, Perimeter

MINUTES = {
    "Grandes familles": (
        "Tour de table des bailleurs sur les grands logements (T5 et plus) libérables d'ici un an.\n"
        "Le bureau d'étude présente les besoins des familles de six personnes et plus du projet ; "
        "la commune propose de mobiliser son contingent sur deux programmes neufs."
    ),
    "Reste à charge": (
        "Lecture des indicateurs de reste à charge avant et après relogement.\n"
        "Les prestataires signalent des hausses liées aux charges ; un point sera fait avec la CAF."
    ),
}
# (group, decision, action, owner key, days to due date)
DECISIONS = [
    (
        "Grandes familles",
        "Recenser les T5 et T6 libérables en 2027",
        "Transmettre la liste des T5 et T6",
        "landlord",
        30,
    ),
    ("Grandes familles", "Étudier les divisions de grands logements", "Chiffrer deux opérations", "mous", 45),
    (
        "Reste à charge",
        "Suivre le reste à charge à 6 mois",
        "Relever les avis d'échéance des ménages relogés",
        "provider_a",
        20,
    ),
]


def generate_working_groups(gen, as_of: dt.date) -> dict[str, int]:
    metropolis_user = gen.persona_users["metropole"]
    mous = gen.mous_orgs[0]
    project = mous.projects.annotate(n=Count("households")).filter(n__gt=0).order_by("-n", "pk").first()
    if project is None:
        return {}
    commune = gen.commune_orgs.get(project.commune.insee_code)
    landlord = gen.landlords[0]
    owners = {"landlord": landlord, "mous": mous, "provider_a": gen.provider_a}
    groups = WorkingGroup.objects.bulk_create(
        [
            WorkingGroup(
                name="Grandes familles",
                description="Solutions pour les familles de six personnes et plus : grands logements, "
                "divisions, contingents.",
                organiser=gen.metropolis,
                created_by=metropolis_user,
            ),
            WorkingGroup(
                name="Reste à charge",
                description="Suivre le reste à charge des ménages relogés et prévenir les hausses.",
                organiser=gen.metropolis,
                created_by=metropolis_user,
            ),
        ]
    )
    by_name = {g.name: g for g in groups}
    members = {
        "Grandes familles": [o for o in (commune, mous, gen.provider_a, landlord) if o is not None],
        "Reste à charge": [o for o in (commune, gen.provider_a, gen.provider_b) if o is not None],
    }
    Through = WorkingGroup.member_organisations.through
    Through.objects.bulk_create(
        [Through(workinggroup=by_name[name], organisation=o) for name, orgs in members.items() for o in orgs]
    )
    People = WorkingGroup.member_people.through
    People.objects.bulk_create(
        [People(workinggroup=by_name["Reste à charge"], user=gen.persona_users["bailleur"])]
    )

    held_on = as_of - dt.timedelta(days=12)
    meetings = GroupMeeting.objects.bulk_create(
        [
            m
            for g in groups
            for m in (
                GroupMeeting(
                    group=g,
                    date=held_on,
                    place="GIP, salle A",
                    minutes=MINUTES[g.name],
                    created_by=metropolis_user,
                ),
                GroupMeeting(
                    group=g,
                    date=as_of + dt.timedelta(days=30),
                    place="Visioconférence",
                    created_by=metropolis_user,
                ),
            )
        ]
    )
    held = {m.group.name: m for m in meetings if m.date == held_on}
    perimeters = {
        "Grandes familles": Perimeter(PROJECT, str(project.pk), project.name, project),
        "Reste à charge": METROPOLIS_PERIMETER,
    }
    IndicatorSnapshot.objects.bulk_create(
        [
            IndicatorSnapshot(
                meeting=held[name],
                as_of=held_on,
                perimeter_token=perimeter.token,
                perimeter_label=perimeter.title,
                rows=snapshot_compute(actor=metropolis_user, perimeter=perimeter, as_of=held_on),
                taken_by=metropolis_user,
            )
            for name, perimeter in perimeters.items()
        ]
    )
    decisions = GroupDecision.objects.bulk_create(
        [GroupDecision(meeting=held[g], text=text, created_by=metropolis_user) for g, text, *_ in DECISIONS]
    )
    Action.objects.bulk_create(
        [
            Action(
                title=title,
                owner_organisation=owners[owner],
                due_date=as_of + dt.timedelta(days=days),
                group_decision=decision,
                created_by=metropolis_user,
            )
            for decision, (_, _, title, owner, days) in zip(decisions, DECISIONS, strict=True)
        ]
    )
    return {
        "working_groups": len(groups),
        "working_group_meetings": len(meetings),
        "working_group_actions": len(DECISIONS),
    }
