"""Access matrix of the household pages: household A (provider A, project Concorde) is the subject.

Provider B's social worker, the outsider and the administrator get 404 on everything about it.
"""

import datetime as dt

from tests import factories
from tests.access import UrlCase

ALL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider", "admin")
READERS = ("mous", "metropolis", "commune", "social_a", "landlord")
NOT_READERS = ("social_b", "outsider", "admin")
KEEPERS = ("social_a", "mous")  # can_edit_household
NOT_KEEPERS = ("social_b", "outsider", "admin", "commune", "landlord", "metropolis")
PROVIDER = ("social_a",)  # can_edit_social_file
NOT_PROVIDER = ("social_b", "outsider", "admin", "commune", "landlord", "metropolis", "mous")
# can_census_households, in the buildings of the projects their organisation acts on (both providers
# act on the project of BAT-A; the outsider is the project office of another project).
CENSUS_TAKERS = ("mous", "social_a", "social_b")
NOT_CENSUS_TAKERS = ("commune", "landlord", "metropolis", "outsider", "admin")
NOT_REASSIGNERS = ("commune", "landlord", "metropolis", "social_a", "social_b", "outsider", "admin")


def _a(w):
    return {"pk": w.household_a.pk}


def _member(w):
    return {"pk": w.household_a.pk, "member_pk": factories.HouseholdMemberFactory(household=w.household_a).pk}


def _step(w):
    from relogement.households.models import NextStep

    step = NextStep.objects.create(household=w.household_a, title="Relancer", due_date=dt.date(2025, 1, 1))
    return {"pk": w.household_a.pk, "step_pk": step.pk}


def _mous_committee(w):
    from django.utils import timezone

    from relogement.governance.models import Committee

    committee = Committee.objects.filter(project=w.project, place="Salle LOT").first()
    return committee or Committee.objects.create(
        project=w.project,
        organiser=w.orgs["mous"],
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Salle LOT",
        created_by=w.users["mous"],
    )


def _saved(w):
    from relogement.households.models import SavedListFilter

    # get_or_create: a case's kwargs may be asked for several times in one world.
    saved, _ = SavedListFilter.objects.get_or_create(
        user=w.users["mous"], name="À relancer", defaults={"querystring": "overdue=on"}
    )
    return {"pk": saved.pk}


CASES = [
    UrlCase("households:list", allowed=ALL, denied=()),
    UrlCase("households:list", allowed=ALL, denied=(), query="?q=Martin"),
    UrlCase("households:export", kwargs=lambda w: {"fmt": "csv"}, allowed=ALL, denied=()),
    UrlCase("households:export", kwargs=lambda w: {"fmt": "xlsx"}, allowed=ALL, denied=()),
    UrlCase(
        "households:assign_referent",
        method="post",
        data=lambda w: {"households": [w.household_a.pk], "referent": w.users["social_a"].pk},
        allowed=("social_a",),
        denied=("social_b", "mous", "commune", "landlord", "metropolis", "outsider", "admin"),
        expected_status=(302,),
    ),
    # Bulk actions (issue 18.3): the ticked household A; a role without the action, or a persona that
    # does not see household A (provider B), gets 404 and nothing changes.
    UrlCase(
        "households:bulk_step",
        method="post",
        data=lambda w: {
            "households": [w.household_a.pk],
            "step_title": "Relancer le ménage",
            "step_due_date": "2030-01-15",
        },
        allowed=KEEPERS,
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase(
        "households:bulk_provider",
        method="post",
        data=lambda w: {
            "households": [w.household_a.pk],
            "provider": w.orgs["social_b"].pk,
            "provider_reason": "Changement de secteur",
        },
        allowed=("mous",),
        denied=NOT_REASSIGNERS,
        expected_status=(302,),
    ),
    UrlCase(
        "households:bulk_committee",
        method="post",
        data=lambda w: {"households": [w.household_a.pk], "committee_reason": "Refus répétés"},
        allowed=PROVIDER,
        denied=NOT_PROVIDER,
        expected_status=(302,),
    ),
    UrlCase(
        "households:bulk_agenda",
        method="post",
        data=lambda w: {"households": [w.household_a.pk], "agenda_committee": _mous_committee(w).pk},
        # The commune plans committees too: its request is answered (the MOUS's committee is not one of
        # its choices: a French error); the outsider's project office sees no household A: 404.
        allowed=("mous", "commune"),
        denied=("social_a", "social_b", "landlord", "metropolis", "outsider", "admin"),
        expected_status=(302,),
    ),
    # Saved filters: anybody who reads the list saves its own; one user's filter is a 404 to all others.
    UrlCase(
        "households:saved_filter_save",
        method="post",
        data=lambda w: {"name": "Mes ménages", "back": "status=searching"},
        allowed=ALL,
        denied=(),
        expected_status=(302,),
    ),
    UrlCase(
        "households:saved_filter_open",
        kwargs=_saved,
        allowed=("mous",),
        denied=tuple(p for p in ALL if p != "mous"),
        expected_status=(302,),
    ),
    UrlCase(
        "households:saved_filter_rename",
        kwargs=_saved,
        method="post",
        data=lambda w: {"name": "Renommé"},
        allowed=("mous",),
        denied=tuple(p for p in ALL if p != "mous"),
        expected_status=(302,),
    ),
    UrlCase(
        "households:saved_filter_delete",
        kwargs=_saved,
        method="post",
        allowed=("mous",),
        denied=tuple(p for p in ALL if p != "mous"),
        expected_status=(302,),
    ),
    UrlCase("households:detail", kwargs=_a, allowed=READERS, denied=NOT_READERS),
    UrlCase(
        "households:section",
        kwargs=lambda w: {"pk": w.household_a.pk, "section": "composition"},
        allowed=KEEPERS,
        denied=NOT_KEEPERS,
    ),
    UrlCase(
        "households:section",
        kwargs=lambda w: {"pk": w.household_a.pk, "section": "sante"},
        allowed=PROVIDER,
        denied=NOT_PROVIDER,
    ),
    UrlCase("households:member_add", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase("households:member_edit", kwargs=_member, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase(
        "households:member_remove",
        kwargs=_member,
        method="post",
        data=lambda w: {"version": 1},
        allowed=("social_a",),
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase("households:resources", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase("households:diagnosis_add", kwargs=_a, allowed=PROVIDER, denied=NOT_PROVIDER),
    UrlCase("households:wishes", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase(
        "households:support_add",
        kwargs=_a,
        method="post",
        data=lambda w: {"kind": "appel", "date": "2025-02-03", "summary": "Point sur le dossier"},
        allowed=PROVIDER,
        denied=NOT_PROVIDER,
        expected_status=(302,),
    ),
    UrlCase("households:step_add", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    UrlCase(
        "households:step_complete",
        kwargs=_step,
        method="post",
        allowed=("social_a",),
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase(
        "households:transition",
        kwargs=_a,
        method="post",
        data=lambda w: {"action": "diagnose", "effective_date": "2025-01-15"},
        allowed=("social_a",),
        denied=NOT_KEEPERS,
        expected_status=(302,),
    ),
    UrlCase("households:split", kwargs=_a, allowed=KEEPERS, denied=NOT_KEEPERS),
    # The project office of the household's project only (can_reassign_provider): not the commune
    # (guarantor, not operator), nor either provider.
    UrlCase("households:reassign_provider", kwargs=_a, allowed=("mous",), denied=NOT_REASSIGNERS),
    UrlCase(
        "households:reassign_provider",
        kwargs=_a,
        method="post",
        data=lambda w: {
            "version": 1,
            "provider": w.orgs["social_b"].pk,
            "reason": "Changement de secteur",
        },
        allowed=("mous",),
        denied=NOT_REASSIGNERS,
        expected_status=(302,),
    ),
    # « Recenser un ménage »: the building picker for every census taker (the outsider too: it picks
    # among its own project's buildings), the form of BAT-A for those acting on its project.
    UrlCase(
        "households:census_start",
        allowed=(*CENSUS_TAKERS, "outsider"),
        denied=("commune", "landlord", "metropolis", "admin"),
    ),
    UrlCase(
        "households:census",
        kwargs=lambda w: {"building_pk": w.building.pk},
        allowed=CENSUS_TAKERS,
        denied=NOT_CENSUS_TAKERS,
    ),
    # An incomplete POST: the form again with its messages (200), nothing written; 404 to the others.
    UrlCase(
        "households:census",
        kwargs=lambda w: {"building_pk": w.building.pk},
        method="post",
        data=lambda w: {"reference": "", "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0"},
        allowed=CENSUS_TAKERS,
        denied=NOT_CENSUS_TAKERS,
    ),
]
