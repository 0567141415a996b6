"""Working-group objects built on the ``world`` fixture (idempotent: access cases call them per persona)."""

import datetime as dt

from relogement.governance import working_groups as wg
from relogement.governance.models import Action, GroupMeeting, WorkingGroup

# Members of the access group: the metropolis (organiser), the commune and the landlord (organisations),
# the person of provider A (individually). Everyone else gets 404.
MEMBERS = ("metropolis", "commune", "landlord", "social_a")
NON_MEMBERS = ("mous", "social_b", "outsider", "admin")


def group_for(world) -> WorkingGroup:
    group = WorkingGroup.objects.filter(name="Grandes familles").first()
    if group is not None:
        return group
    actor = world.users["metropolis"]
    group = wg.working_group_create(
        actor=actor,
        name="Grandes familles",
        description="Relogement des familles de six personnes et plus.",
        organisations=[world.orgs["commune"], world.orgs["landlord"]],
        people=[world.users["social_a"]],
    )
    meeting = wg.group_meeting_create(group=group, actor=actor, date=dt.date.today() - dt.timedelta(days=1))
    wg.group_decision_record(
        meeting=meeting,
        actor=actor,
        text="Recenser les T5 et T6 disponibles.",
        action_title="Lister les T5 libérables en 2027",
        owner_organisation=world.orgs["landlord"],
        owner_person=world.users["landlord"],
        due_date=dt.date.today() + dt.timedelta(days=30),
    )
    return group


def meeting_for(world) -> GroupMeeting:
    return group_for(world).meetings.first()


def bare_meeting(world) -> GroupMeeting:
    """A meeting without snapshot (the snapshot case freezes one per persona)."""
    group = group_for(world)
    return GroupMeeting.objects.create(group=group, date=dt.date.today(), place="Salle ACCES")


def open_group_action(world) -> Action:
    action = Action.objects.get(group_decision__meeting__group=group_for(world))
    Action.objects.filter(pk=action.pk).update(status="open")
    return action
