"""Access matrix of the governance URLs: a committee is seen by its organiser and invited
organisations, a CALEOL session by its landlord and the commune and project office of the households
it examines; writing needs the secretary's or the landlord's predicate; everyone else gets 404."""

import datetime as dt

from django.utils import timezone

from relogement.governance.models import CommissionItem
from tests.access import UrlCase
from tests.governance.builders import accepted_proposal, commission_for, committee_for, open_action

OPERATIONAL = ("mous", "metropolis", "commune", "social_a", "social_b", "landlord", "outsider")
# The access committee: planned by the MOUS, commune, provider A, landlord and metropolis invited.
INVITED = ("mous", "commune", "social_a", "landlord", "metropolis")
NOT_INVITED = ("social_b", "outsider", "admin")


def _committee(w):
    return committee_for(w)


def _case(w):
    return _committee(w).cases.get(household=w.household_a)


def _session(w):
    return commission_for(w)


def _item(w):
    # The removal case removes it: the next persona (or variant) gets a new one.
    session = _session(w)
    return session.items.first() or CommissionItem.objects.create(
        session=session, proposal=accepted_proposal(w)
    )


CASES = [
    UrlCase("governance:index", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase(
        "governance:committee_create",
        allowed=("mous", "commune", "outsider"),
        denied=("social_a", "landlord", "metropolis", "admin"),
    ),
    UrlCase(
        "governance:committee_detail",
        kwargs=lambda w: {"pk": _committee(w).pk},
        allowed=INVITED,
        denied=NOT_INVITED,
    ),
    UrlCase(
        "governance:committee_minutes",
        kwargs=lambda w: {"pk": _committee(w).pk},
        allowed=INVITED,
        denied=NOT_INVITED,
    ),
    UrlCase(
        "governance:committee_action",
        kwargs=lambda w: {"pk": _committee(w).pk, "action": "refresh"},
        method="post",
        allowed=("mous",),
        denied=("commune", "landlord", *NOT_INVITED),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:committee_edit",
        kwargs=lambda w: {"pk": _committee(w).pk},
        allowed=("mous",),
        denied=("commune", "landlord", "social_a", "metropolis", *NOT_INVITED),
    ),
    UrlCase(
        "governance:committee_edit",
        kwargs=lambda w: {"pk": _committee(w).pk},
        method="post",
        data=lambda w: {
            "starts_at": (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Salle ACCES",
            "organisations": [w.orgs[k].pk for k in ("commune", "social_a", "landlord", "metropolis")],
        },
        allowed=("mous",),
        denied=("commune", "landlord", "social_a", "metropolis", *NOT_INVITED),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:case_add",
        kwargs=lambda w: {"pk": _committee(w).pk},
        method="post",
        data=lambda w: {"reference": "CONC-002"},
        allowed=("mous",),
        denied=("commune", "social_a", *NOT_INVITED),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:case_summary",
        kwargs=lambda w: {"pk": _committee(w).pk, "case_pk": _case(w).pk},
        allowed=INVITED,
        denied=NOT_INVITED,
    ),
    UrlCase(
        "governance:case_remove",
        kwargs=lambda w: {"pk": _committee(w).pk, "case_pk": _case(w).pk},
        method="post",
        allowed=("mous",),
        denied=("commune", "landlord", *NOT_INVITED),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:case_decide",
        kwargs=lambda w: {"pk": _committee(w).pk, "case_pk": _case(w).pk},
        allowed=("mous",),
        denied=("commune", "landlord", "social_a", "metropolis", *NOT_INVITED),
    ),
    UrlCase(
        "governance:action_update",
        kwargs=lambda w: {"pk": _committee(w).pk, "action_pk": open_action(w).pk},
        method="post",
        data=lambda w: {"status": "done"},
        allowed=("landlord", "mous"),
        denied=("commune", "social_a", "metropolis", *NOT_INVITED),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:flag",
        kwargs=lambda w: {"household_pk": w.household_b.pk},
        method="post",
        data=lambda w: {"reason": "Blocage sur la typologie"},
        allowed=("social_b",),
        denied=("social_a", "mous", "commune", "landlord", "metropolis", "outsider", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:commission_create",
        allowed=("landlord",),
        denied=("mous", "commune", "social_a", "metropolis", "outsider", "admin"),
    ),
    UrlCase(
        "governance:commission_detail",
        kwargs=lambda w: {"pk": _session(w).pk},
        allowed=("landlord", "mous", "commune"),
        denied=("social_a", "social_b", "metropolis", "outsider", "admin"),
    ),
    UrlCase(
        "governance:commission_action",
        kwargs=lambda w: {"pk": _session(w).pk, "action": "hold"},
        method="post",
        allowed=("landlord",),
        denied=("mous", "commune", "social_a", "outsider", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:commission_item_add",
        kwargs=lambda w: {"pk": _session(w).pk},
        method="post",
        data=lambda w: {"proposal": "0"},
        allowed=("landlord",),
        denied=("mous", "commune", "outsider", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:commission_confirm_rank",
        kwargs=lambda w: {"pk": _session(w).pk, "item_pk": _item(w).pk},
        method="post",
        allowed=("landlord",),
        denied=("mous", "commune", "outsider", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:commission_item_remove",
        kwargs=lambda w: {"pk": _session(w).pk, "item_pk": _item(w).pk},
        method="post",
        allowed=("landlord",),
        denied=("mous", "commune", "outsider", "admin"),
        expected_status=(302,),
    ),
    UrlCase(
        "governance:commission_decide",
        kwargs=lambda w: {"pk": _session(w).pk, "item_pk": _item(w).pk},
        allowed=("landlord",),
        denied=("mous", "commune", "social_a", "outsider", "admin"),
    ),
]


# --- Working groups: members only (metropolis organiser, commune, landlord, provider A's person) -----

from tests.governance.group_builders import (  # noqa: E402
    MEMBERS,
    NON_MEMBERS,
    bare_meeting,
    group_for,
    meeting_for,
    open_group_action,
)

GROUP_WRITERS_DENIED = ("commune", "landlord", "social_a", *NON_MEMBERS)

CASES += [
    UrlCase("governance:group_list", allowed=OPERATIONAL, denied=("admin",)),
    UrlCase(
        "governance:group_create",
        allowed=("metropolis",),
        denied=("mous", "commune", "social_a", "landlord", "admin"),
    ),
    UrlCase(
        "governance:group_detail",
        kwargs=lambda w: {"pk": group_for(w).pk},
        allowed=MEMBERS,
        denied=NON_MEMBERS,
    ),
    UrlCase(
        "governance:group_meeting",
        kwargs=lambda w: {"pk": group_for(w).pk, "meeting_pk": meeting_for(w).pk},
        allowed=MEMBERS,
        denied=NON_MEMBERS,
    ),
    UrlCase(
        "governance:group_members",
        kwargs=lambda w: {"pk": group_for(w).pk},
        method="post",
        data=lambda w: {
            "organisations": [w.orgs["commune"].pk, w.orgs["landlord"].pk],
            "people": [w.users["social_a"].pk],
        },
        allowed=("metropolis",),
        denied=GROUP_WRITERS_DENIED,
        expected_status=(302,),
    ),
    UrlCase(
        "governance:group_meeting_create",
        kwargs=lambda w: {"pk": group_for(w).pk},
        method="post",
        data=lambda w: {"date": "2026-11-02", "place": "Salle du conseil"},
        allowed=("metropolis",),
        denied=GROUP_WRITERS_DENIED,
        expected_status=(302,),
    ),
    UrlCase(
        "governance:group_minutes",
        kwargs=lambda w: {"pk": group_for(w).pk, "meeting_pk": meeting_for(w).pk},
        method="post",
        data=lambda w: {"minutes": "Tour de table des bailleurs."},
        allowed=("metropolis",),
        denied=GROUP_WRITERS_DENIED,
        expected_status=(302,),
    ),
    UrlCase(
        "governance:group_snapshot",
        kwargs=lambda w: {"pk": group_for(w).pk, "meeting_pk": bare_meeting(w).pk},
        method="post",
        data=lambda w: {"perimeter": "metropole", "as_of": "2026-01-01"},
        allowed=("metropolis",),
        denied=GROUP_WRITERS_DENIED,
        expected_status=(302,),
    ),
    UrlCase(
        "governance:group_decision",
        kwargs=lambda w: {"pk": group_for(w).pk, "meeting_pk": meeting_for(w).pk},
        method="post",
        data=lambda w: {"text": "Saisir le contingent préfectoral."},
        allowed=("metropolis",),
        denied=GROUP_WRITERS_DENIED,
        expected_status=(302,),
    ),
    UrlCase(
        "governance:group_action_update",
        kwargs=lambda w: {"pk": group_for(w).pk, "action_pk": open_group_action(w).pk},
        method="post",
        data=lambda w: {"status": "done"},
        allowed=("landlord", "metropolis"),
        denied=("commune", "social_a", *NON_MEMBERS),
        expected_status=(302,),
    ),
]
