"""A household file filled through the services (so that its history rows exist), and the DPO's
client, which must search a household before opening it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relogement.audit.services import file_read_record
from relogement.documents.kinds import DocumentKind
from relogement.documents.services import document_add
from relogement.duplicates.services import duplicate_decide
from relogement.followup.models import FollowUp
from relogement.households import services
from relogement.households.lifecycle import household_transition
from relogement.households.models import Relation
from relogement.offers.models import Answer, Proposal, ProposalStatus
from relogement.rehousing.models import Rehousing, RehousingKind

D = dt.date


def dpo_client(world, persona="admin", *, search=None):
    """The persona's client after a search of the DPO page (by default for household A)."""
    client = world.client_for(persona)
    client.get(reverse("dataprotection:home"), {"q": search or world.household_a.reference})
    return client


def fill_file(world, household=None):
    """Household A with one row in every table, written through the services, then closed."""
    h = household or world.household_a
    actor = world.users["social_a"]
    services.member_add(
        household=h,
        first_name="Nadia",
        last_name="Martin",
        relation=Relation.REFERENCE,
        birth_date=D(1979, 4, 12),
        actor=actor,
    )
    services.resource_set(household=h, kind="salaire", monthly_amount=Decimal("1400.00"), actor=actor)
    services.household_update(
        household=h,
        changes={"sne_number": "059123456789", "health_note": "asthme sévère"},
        actor=actor,
        expected_version=None,
    )
    services.diagnosis_record(
        household=h, date=D(2024, 4, 2), actor=actor, findings="Constat : dette", conclusions="Conclusion T4"
    )
    services.support_entry_add(
        household=h, kind="visite", date=D(2024, 5, 2), summary="Visite au domicile", actor=actor
    )
    services.next_step_add(household=h, title="Appeler la CAF", due_date=D(2024, 6, 1), actor=actor)
    document_add(
        household=h,
        kind=DocumentKind.TAX_NOTICE,
        title="Avis d'imposition 2024",
        upload=SimpleUploadedFile("avis.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        actor=actor,
    )
    services.wishes_update(
        household=h,
        actor=actor,
        expected_version=None,
        dwelling_types=["T3"],
        locations=[(world.commune, "Wazemmes")],
    )
    household_transition(household=h, action="diagnose", actor=actor, effective_date=D(2024, 4, 10))
    household_transition(household=h, action="start_proposal", actor=actor, effective_date=D(2024, 6, 1))
    proposal = Proposal.objects.create(
        household=h,
        status=ProposalStatus.MOVED_IN,
        notified_date=D(2024, 6, 1),
        answer=Answer.ACCEPTED,
        answer_date=D(2024, 6, 10),
        commune=world.commune,
        dwelling_type="T3",
        rent=Decimal("450.00"),
        compliance_note="Conforme",
    )
    proposal.transitions.create(from_status="", to_status=ProposalStatus.MOVED_IN, actor=actor)
    _fill_governance(world, h, proposal)
    _fill_grievances(world, h)
    _fill_requests(world, h)
    rehousing = Rehousing.objects.create(
        household=h,
        kind=RehousingKind.DEFINITIVE,
        move_in_date=D(2024, 7, 1),
        commune=world.commune,
        address="3 rue des Lilas",
        dwelling_type="T3",
        rent=Decimal("450.00"),
    )
    household_transition(
        household=h, action="rehouse", actor=actor, effective_date=D(2024, 7, 1), rehousing=rehousing
    )
    FollowUp.objects.create(
        household=h,
        months_after=6,
        due_date=D(2025, 1, 1),
        done_on=D(2025, 1, 5),
        home_satisfaction="satisfait",
    )
    household_transition(household=h, action="close", actor=actor, effective_date=D(2025, 2, 1), reason="Fin")
    file_read_record(user=world.users["mous"], household=h, what="fiche")
    duplicate_decide(
        household=h, other=world.household_b, decision="not_duplicate", actor=actor, comment="Vérifié"
    )
    h.refresh_from_db()
    return h


def _fill_requests(world, h):
    """A request of the project office to the social provider about the household, answered (its
    answer and transition rows: docs/governance.md)."""
    import datetime as dt

    from relogement.requests import services as requests

    request = requests.request_send(
        actor=world.users["mous"],
        recipient=world.orgs["social_a"],
        subject="Point sur le dossier",
        text="Pouvez-vous faire le point avec la famille Martin ?",
        due_date=dt.date.today() + dt.timedelta(days=10),
        household=h,
    )
    requests.request_answer(request=request, actor=world.users["social_a"], text="Rendez-vous pris.")


def _fill_grievances(world, h):
    """A grievance acknowledged (its record and transition rows, with history: docs/governance.md)."""
    import datetime as dt

    from relogement.grievances import services as grievances

    g = grievances.grievance_record(
        household=h,
        category="loyer",
        channel="courrier",
        received_on=dt.date(2026, 1, 5),
        description="Loyer trop élevé pour Mme Martin.",
        responsible=world.orgs["mous"],
        actor=world.users["mous"],
    )
    grievances.grievance_transition(grievance=g, action="acknowledge", actor=world.users["mous"])


def _fill_governance(world, h, proposal):
    """A flag, a committee case with its decision and action, a CALEOL outcome (docs/governance.md)."""
    from relogement.governance import services as governance
    from relogement.governance.models import CommissionItem, CommissionSession, Committee, CommitteeCase

    flag = governance.committee_flag(household=h, actor=world.users["social_a"], reason="Besoin d'un T3")
    committee = Committee.objects.create(
        project=h.project, organiser=world.orgs["mous"], starts_at=dt.datetime(2024, 5, 20, 14, tzinfo=dt.UTC)
    )
    case = CommitteeCase.objects.create(
        committee=committee, household=h, reasons=["flagged"], flag=flag, decision="mediation"
    )
    governance.action_create(
        actor=world.users["mous"],
        title="Rencontre",
        owner_organisation=world.orgs["mous"],
        due_date=D(2024, 6, 1),
        household=h,
        committee_case=case,
    )
    session = CommissionSession.objects.create(landlord=world.orgs["landlord"], date=D(2024, 6, 20))
    CommissionItem.objects.create(session=session, proposal=proposal, outcome="allocated", rank=1)


@pytest.fixture
def filled(world):
    return fill_file(world)
