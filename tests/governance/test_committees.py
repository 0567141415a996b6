"""Rehousing committees: agenda rules, secretary's edits, per-role summaries, decisions through the
proposal machine, household history, minutes PDF and e-mail, scope."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.governance import services
from relogement.governance.models import Action, CaseReason, DecisionKind, SessionStatus, SessionTransition
from relogement.households.models import SocialDiagnosis, SupportLogEntry
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Proposal, ProposalStatus, ProposalTransition
from tests import factories
from tests.governance.builders import committee_for, offer_for

YESTERDAY = timezone.now() - dt.timedelta(days=1)


def _plan(world, organiser="mous", invited=("commune", "social_a", "landlord", "metropolis")):
    return services.committee_plan(
        project=world.project,
        actor=world.users[organiser],
        starts_at=YESTERDAY,
        place="Mairie de quartier",
        organisations=[world.orgs[k] for k in invited],
    )


def _reasons(committee):
    return {c.household.reference: set(c.reasons) for c in committee.cases.filter(removed_at__isnull=True)}


def test_agenda_is_built_from_the_four_rules(world):
    # world.building has a demolition date and no departure: at risk (matching/risk.py).
    world.household_a.status = S.SEARCHING
    world.household_a.save()
    safe = factories.BuildingFactory(
        operation__project=world.project, planned_demolition_date=None, landlord=world.orgs["landlord"]
    )

    def household(ref, status=S.SEARCHING, provider="social_a"):
        return factories.HouseholdFactory(
            building=safe, reference=ref, status=status, social_provider=world.orgs[provider]
        )

    household("SAFE-SEARCHING")
    refused = household("REFUSED-2")
    once = household("REFUSED-1")
    pending = household("PENDING", status=S.PROPOSAL_IN_PROGRESS)
    flagged = household("FLAGGED")
    factories.HouseholdFactory(building=world.building, reference="GONE", status=S.REHOUSED)
    for h, statuses in ((refused, ["refused", "refused"]), (once, ["refused"]), (pending, ["proposed"])):
        for status in statuses:
            factories.ProposalFactory(household=h, offer=offer_for(world), status=status)
    services.committee_flag(household=flagged, actor=world.users["social_a"], reason="Blocage familial")

    committee = _plan(world)

    assert _reasons(committee) == {
        "CONC-001": {CaseReason.BUILDING_AT_RISK},
        "CONC-002": {CaseReason.BUILDING_AT_RISK},  # to diagnose: no solution either
        "REFUSED-2": {CaseReason.REFUSALS},
        "PENDING": {CaseReason.PENDING_PROPOSAL},
        "FLAGGED": {CaseReason.FLAGGED},
    }
    assert committee.cases.get(household=pending).pending_proposal.status == ProposalStatus.PROPOSED
    assert committee.transitions.get().to_status == SessionStatus.PLANNED


def test_only_the_assigned_provider_flags_and_only_once(world):
    with pytest.raises(DomainError):
        services.committee_flag(household=world.household_a, actor=world.users["mous"], reason="x")
    with pytest.raises(DomainError):
        services.committee_flag(household=world.household_a, actor=world.users["social_a"], reason=" ")
    services.committee_flag(
        household=world.household_a, actor=world.users["social_a"], reason="T5 introuvable"
    )
    with pytest.raises(DomainError):
        services.committee_flag(household=world.household_a, actor=world.users["social_a"], reason="encore")


def test_secretary_adds_and_removes_cases_and_refresh_keeps_removals(world):
    committee = _plan(world)
    case = committee.cases.get(household=world.household_a)
    with pytest.raises(DomainError):  # an invited commune is not the secretary
        services.committee_case_remove(case=case, actor=world.users["commune"])
    services.committee_case_remove(case=case, actor=world.users["mous"])
    assert services.committee_refresh_agenda(committee=committee, actor=world.users["mous"]) == 0
    assert "CONC-001" not in _reasons(committee)
    services.committee_case_add(committee=committee, household=world.household_a, actor=world.users["mous"])
    assert _reasons(committee)["CONC-001"] == {CaseReason.BUILDING_AT_RISK}
    with pytest.raises(DomainError):  # another project's household
        services.committee_case_add(
            committee=committee, household=world.household_other, actor=world.users["mous"]
        )


def test_secretary_adds_a_case_from_the_page(world):
    committee = _plan(world)
    services.committee_case_remove(
        case=committee.cases.get(household=world.household_b), actor=world.users["mous"]
    )
    client = world.client_for("mous")
    client.post(reverse("governance:case_add", args=[committee.pk]), {"reference": "CONC-002"})
    assert "CONC-002" in _reasons(committee)
    response = client.post(
        reverse("governance:case_add", args=[committee.pk]), {"reference": "ALMA-001"}, follow=True
    )
    assert "Aucun ménage de ce projet" in response.content.decode()


@pytest.fixture
def social_file(world):
    SocialDiagnosis.objects.create(
        household=world.household_a,
        date=dt.date(2025, 1, 10),
        findings="NOTE-SOCIALE-SECRETE",
        conclusions="CONCLUSION-PARTAGEE",
        organisation=world.orgs["social_a"],
    )
    SupportLogEntry.objects.create(
        household=world.household_a,
        kind="visite",
        date=dt.date(2025, 2, 1),
        summary="JOURNAL-SECRET",
        organisation=world.orgs["social_a"],
    )


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("social_a", ["Famille Martin", "NOTE-SOCIALE-SECRETE", "JOURNAL-SECRET"], []),
        ("mous", ["Famille Martin", "CONCLUSION-PARTAGEE"], ["NOTE-SOCIALE-SECRETE", "JOURNAL-SECRET"]),
        (
            "commune",
            ["Famille Martin", "1 650,00"],
            ["NOTE-SOCIALE-SECRETE", "JOURNAL-SECRET", "CONCLUSION-PARTAGEE"],
        ),
        (
            "landlord",
            ["Famille Martin"],
            ["NOTE-SOCIALE-SECRETE", "JOURNAL-SECRET", "CONCLUSION-PARTAGEE", "1 650,00"],
        ),
        ("metropolis", ["pseudonym"], ["Famille Martin", "NOTE-SOCIALE-SECRETE", "JOURNAL-SECRET"]),
    ],
)
def test_case_summary_respects_each_role(world, social_file, persona, shown, hidden):
    committee = committee_for(world)
    case = committee.cases.get(household=world.household_a)
    for variant in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = world.client_for(persona).get(
            reverse("governance:case_summary", args=[committee.pk, case.pk]), **variant
        )
        body = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
        assert response.status_code == 200
        for text in shown:
            assert (world.household_a.pseudonym if text == "pseudonym" else text) in body, (persona, text)
        for text in hidden:
            assert text not in body, (persona, text)


def test_summary_of_a_household_outside_the_readers_scope_is_404(world):
    committee = committee_for(world)
    case = services.committee_case_add(
        committee=committee, household=world.household_b, actor=world.users["mous"]
    )
    # Provider A is invited but household B is provider B's: pseudonym on the agenda, no summary.
    client = world.client_for("social_a")
    assert client.get(reverse("governance:case_summary", args=[committee.pk, case.pk])).status_code == 404
    body = client.get(reverse("governance:committee_detail", args=[committee.pk])).content.decode()
    assert "Famille Durand" not in body and world.household_b.pseudonym in body


def test_positioning_decision_goes_through_the_proposal_service(world):
    world.household_a.status = S.SEARCHING
    world.household_a.save()
    committee = _plan(world)
    case = committee.cases.get(household=world.household_a)
    offer = offer_for(world)
    response = world.client_for("mous").post(
        reverse("governance:case_decide", args=[committee.pk, case.pk]),
        {"decision": DecisionKind.POSITIONING, "offer": offer.pk, "note": "T3 adapté"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    proposal = Proposal.objects.get(household=world.household_a, offer=offer)
    assert case.proposal == proposal and proposal.status == ProposalStatus.POSITIONED
    assert ProposalTransition.objects.filter(proposal=proposal, to_status=ProposalStatus.POSITIONED).exists()
    offer.refresh_from_db()
    assert offer.status == "positioned"


def test_positioning_refused_by_the_proposal_machine_writes_nothing(world):
    # A committee of the commune: the commune may not position households (can_position_households).
    world.household_a.status = S.SEARCHING
    world.household_a.save()
    committee = _plan(world, organiser="commune", invited=("mous",))
    case = committee.cases.get(household=world.household_a)
    response = world.client_for("commune").post(
        reverse("governance:case_decide", args=[committee.pk, case.pk]),
        {"decision": DecisionKind.POSITIONING, "offer": offer_for(world).pk},
    )
    assert response.status_code == 200
    assert "Seuls le bureau d" in response.content.decode().replace("&#x27;", "'")
    case.refresh_from_db()
    assert case.decision == "" and not Proposal.objects.filter(household=world.household_a).exists()


def test_decision_without_reason_shows_the_error_next_to_the_form(world):
    committee = _plan(world)
    case = committee.cases.get(household=world.household_a)
    response = world.client_for("mous").post(
        reverse("governance:case_decide", args=[committee.pk, case.pk]),
        {"decision": DecisionKind.MEDIATION, "action_title": "Appeler"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez l&#x27;organisation responsable" in body and "Indiquez l&#x27;échéance" in body
    case.refresh_from_db()
    assert case.decision == "" and not Action.objects.exists()


def test_decision_and_action_appear_in_the_household_history(world):
    committee = _plan(world)
    case = committee.cases.get(household=world.household_a)
    services.committee_flag(household=world.household_a, actor=world.users["social_a"], reason="Urgence")
    services.committee_case_decide(
        case=case,
        actor=world.users["mous"],
        decision=DecisionKind.MEDIATION,
        note="Médiation avec le bailleur",
        action={
            "title": "Organiser une rencontre",
            "owner_organisation": world.orgs["landlord"],
            "owner_person": world.users["landlord"],
            "due_date": dt.date(2027, 1, 15),
        },
    )
    for persona in ("mous", "social_a", "landlord"):
        body = (
            world.client_for(persona)
            .get(reverse("households:detail", args=[world.household_a.pk]))
            .content.decode()
        )
        assert (
            "Médiation avec le bailleur" in body
            and "Organiser une rencontre" in body
            and "15/01/2027" in body
        )
    with pytest.raises(DomainError):  # the action's person must belong to its organisation
        services.action_create(
            actor=world.users["mous"],
            title="x",
            owner_organisation=world.orgs["commune"],
            owner_person=world.users["landlord"],
            due_date=dt.date(2027, 1, 1),
        )


def test_minutes_pdf_and_email_without_social_note(
    world, social_file, mailoutbox, django_capture_on_commit_callbacks
):
    for key in ("mous", "commune", "landlord", "social_b"):
        world.users[key].email = f"{key}@example.org"
        world.users[key].save()
    committee = _plan(world)
    mous = world.users["mous"]
    with pytest.raises(DomainError):  # not held yet
        services.committee_send_minutes(committee=committee, actor=mous)
    services.committee_hold(committee=committee, actor=mous)
    with pytest.raises(DomainError):  # cases without a decision
        services.committee_send_minutes(committee=committee, actor=mous)
    for case in committee.cases.all():
        services.committee_case_decide(case=case, actor=mous, decision=DecisionKind.NO_CHANGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.committee_send_minutes(committee=committee, actor=mous)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "commune@example.org",
        "landlord@example.org",
        "mous@example.org",
    ]
    for message in mailoutbox:
        assert "Compte rendu du comité de relogement Lille-Concorde" in message.subject
        assert reverse("governance:committee_detail", args=[committee.pk]) in message.body
        for secret in (
            "Famille Martin",
            "Famille Durand",
            "NOTE-SOCIALE-SECRETE",
            "JOURNAL-SECRET",
            "Besoin",
        ):
            assert secret not in message.body
    committee.refresh_from_db()
    assert committee.status == SessionStatus.MINUTES_SENT
    assert list(
        SessionTransition.objects.filter(committee=committee).values_list("to_status", flat=True)
    ) == [
        "planned",
        "held",
        "minutes_sent",
    ]
    response = world.client_for("landlord").get(reverse("governance:committee_minutes", args=[committee.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    with pytest.raises(DomainError):  # closed
        services.committee_refresh_agenda(committee=committee, actor=mous)


def test_minutes_text_per_role(world, social_file):
    """The minutes are rendered for their reader: names for the landlord, pseudonyms for the
    metropolis, never a social note (the same context as the view)."""
    from relogement.governance.selectors import agenda
    from tests.dataprotection.pdftext import pdf_text

    committee = committee_for(world)

    def text(persona):
        context = {"committee": committee, "rows": agenda(committee=committee, user=world.users[persona])}
        return pdf_text(
            "governance/pdf/minutes.html", {**context, "organisations": [], "printed_at": timezone.now()}
        )

    landlord, metropolis = text("landlord"), text("metropolis")
    assert "Famille Martin" in landlord and "NOTE-SOCIALE-SECRETE" not in landlord
    # The layout may break a pseudonym at its hyphen: compare without the spaces it inserts.
    assert "Famille Martin" not in metropolis
    assert world.household_a.pseudonym in metropolis.replace(" ", "")


def test_committee_is_404_outside_its_invitations(world):
    committee = committee_for(world)
    for persona in ("social_b", "outsider", "admin"):
        client = world.client_for(persona)
        assert client.get(reverse("governance:committee_detail", args=[committee.pk])).status_code == 404
        assert (
            client.get(reverse("governance:index")).content.decode().count("Salle ACCES") == 0
            or persona == "admin"
        )


def test_action_is_done_by_its_owner_or_the_secretary_only(world):
    from relogement.governance.models import Action

    committee = committee_for(world)
    action = Action.objects.get(committee_case__committee=committee)
    with pytest.raises(DomainError):
        services.action_set_status(action=action, actor=world.users["commune"], status="done")
    services.action_set_status(action=action, actor=world.users["landlord"], status="done")
    action.refresh_from_db()
    assert action.status == "done" and action.history.count() == 2
    with pytest.raises(DomainError):
        services.action_set_status(action=action, actor=world.users["mous"], status="cancelled")
