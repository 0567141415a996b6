"""CNIL retention rule: erased files keep their statistics and lose their names, history included."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.exchange.snapshot import IMPORT_UNDATED_REASON
from relogement.followup.models import FollowUp
from relogement.households import services
from relogement.households.lifecycle import TRANSITIONS, household_transition
from relogement.households.models import (
    Household,
    HouseholdMember,
    NextStep,
    Relation,
    SocialDiagnosis,
    SupportLogEntry,
)
from relogement.households.retention import (
    CHANGE_REASON,
    clean_reason,
    eligible_households,
    retention_apply,
    retention_cutoff,
)
from relogement.households.statuses import HouseholdStatus
from relogement.indicators.selectors import compute
from relogement.offers.models import Answer, Proposal
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories

D = dt.date
TODAY = D(2026, 11, 26)  # cutoff: 26/11/2024
# Every piece of personal data put in the file below: none may survive anywhere after erasure.
SECRETS = [
    "Nadia",
    "Martin",
    "Kylian",
    "059123456789",
    "asthme",
    "Résumé secret",
    "Lilas",
    "Constat",
]
CLOSED_ON = D(2024, 10, 1)


def closed_file(world, *, last_contact=CLOSED_ON):
    """A household filled through the services (so that history rows and reasons quote names), then
    rehoused, followed up and closed; its last contact is ``last_contact``."""
    h = world.household_a
    actor = world.users["social_a"]
    services.member_add(
        household=h,
        first_name="Nadia",
        last_name="Martin",
        relation=Relation.REFERENCE,
        birth_date=D(1979, 4, 12),
        actor=actor,
    )
    services.member_add(
        household=h,
        first_name="Kylian",
        last_name="Martin",
        relation=Relation.CHILD,
        birth_date=D(2012, 1, 3),
        actor=actor,
    )
    services.resource_set(household=h, kind="salaire", monthly_amount=Decimal("1400.00"), actor=actor)
    services.household_update(
        household=h,
        changes={"reference_name": "Famille Martin", "sne_number": "059123456789", "health_note": "asthme"},
        actor=actor,
        expected_version=None,
    )
    services.diagnosis_record(
        household=h, date=D(2024, 4, 2), actor=actor, findings="Constat : dette", conclusions="Constat T4"
    )
    services.support_entry_add(
        household=h, kind="visite", date=D(2024, 5, 2), summary="Résumé secret", actor=actor
    )
    services.next_step_add(household=h, title="Appeler Mme Martin", due_date=D(2024, 6, 1), actor=actor)
    household_transition(household=h, action="diagnose", actor=actor, effective_date=D(2024, 4, 10))
    household_transition(household=h, action="start_proposal", actor=actor, effective_date=D(2024, 6, 1))
    Proposal.objects.create(
        household=h,
        notified_date=D(2024, 6, 1),
        answer=Answer.ACCEPTED,
        answer_date=D(2024, 6, 10),
        commune=world.commune,
        dwelling_type="T3",
        rent=Decimal("450.00"),
        compliance_note="Conforme pour Nadia Martin",
    )
    rehousing = Rehousing.objects.create(
        household=h,
        kind=RehousingKind.DEFINITIVE,
        move_in_date=D(2024, 7, 1),
        commune=world.commune,
        address="3 rue des Lilas",
        dwelling_type="T3",
        living_area=Decimal("68.00"),
        rent=Decimal("450.00"),
        charges=Decimal("90.00"),
        apl=Decimal("200.00"),
        rls=Decimal("40.00"),
    )
    household_transition(
        household=h, action="rehouse", actor=actor, effective_date=D(2024, 7, 1), rehousing=rehousing
    )
    FollowUp.objects.create(
        household=h,
        months_after=6,
        due_date=D(2025, 1, 1),
        done_on=min(last_contact, D(2024, 8, 1)),
        home_satisfaction="satisfait",
        adaptation_note="Nadia s'adapte bien",
    )
    household_transition(
        household=h,
        action="close",
        actor=actor,
        effective_date=last_contact,
        reason="Mme Martin est satisfaite",
    )
    LogEntry.objects.log_actions(
        user_id=world.users["admin"].pk,
        queryset=[h],
        action_flag=CHANGE,
        change_message='[{"added": {"name": "membre", "object": "Nadia Martin"}}]',
    )
    h.refresh_from_db()
    return h


def text_values():
    """Every string stored in a history table, a household table or the admin log."""
    found = []
    models_to_scan = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    models_to_scan += [Household, HouseholdMember, SupportLogEntry, NextStep, SocialDiagnosis, LogEntry]
    models_to_scan += [Proposal, Rehousing, FollowUp]
    for model in models_to_scan:
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model._default_manager.values_list(*names):
            found += [value for value in row if value]
    return found


def leaked(values):
    return sorted({s for s in SECRETS for value in values if s.lower() in value.lower()})


def history_count():
    return sum(m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical"))


def test_cutoff_is_two_years_before_even_on_29_february():
    assert retention_cutoff(D(2026, 11, 26)) == D(2024, 11, 26)
    assert retention_cutoff(D(2028, 2, 29)) == D(2026, 2, 28)


def test_clean_reason_keeps_application_labels_and_drops_free_text():
    assert clean_reason(TRANSITIONS["close"].label) == TRANSITIONS["close"].label
    assert clean_reason("Membre ajouté : Nadia Martin") == "Membre ajouté"
    assert clean_reason("Mme Martin est satisfaite") == "Motif effacé (conservation CNIL)"
    assert clean_reason(CHANGE_REASON) == CHANGE_REASON
    assert clean_reason(IMPORT_UNDATED_REASON) == IMPORT_UNDATED_REASON  # read by the export
    assert clean_reason(None) is None


def test_eligible_household_is_anonymised_everywhere(world):
    h = closed_file(world)
    assert leaked(text_values())  # the fixture did put the names in the history
    report = retention_apply(today=TODAY, actor=world.users["admin"])

    assert report.references == [h.reference]
    assert report.members_deleted == 2 and report.support_entries_deleted == 1
    assert report.next_steps_deleted == 1
    h.refresh_from_db()
    assert h.anonymised_on == TODAY
    assert (h.reference_name, h.sne_number, h.health_note) == ("", "", "")
    assert not h.members.exists() and not h.support_log.exists() and not h.next_steps.exists()
    diagnosis = h.diagnoses.get()
    assert (diagnosis.findings, diagnosis.conclusions, diagnosis.date) == ("", "", D(2024, 4, 2))
    assert h.rehousings.get().address == "" and h.followups.get().adaptation_note == ""
    assert h.proposals.get().compliance_note == ""
    assert h.status_changes.get(to_status=HouseholdStatus.CLOSED).reason == ""
    assert leaked(text_values()) == []
    latest = h.history.first()
    assert latest.history_change_reason == CHANGE_REASON
    assert latest.history_user == world.users["admin"]
    assert latest.anonymised_on == TODAY


def test_statistics_and_indicators_are_unchanged(world):
    h = closed_file(world)
    kept = ["status", "census_date", "adults_count", "children_count", "monthly_resources", "rent_before"]
    kept += ["charges_before", "apl_before", "rls_before", "reference_age", "origin_living_area", "pseudonym"]
    before = Household.objects.filter(pk=h.pk).values(*kept).get()
    resources = list(h.resources.values_list("kind", "monthly_amount"))
    indicators = compute(Household.objects.all(), TODAY).values
    changes = list(h.status_changes.values_list("to_status", "effective_date"))

    retention_apply(today=TODAY)

    assert Household.objects.filter(pk=h.pk).values(*kept).get() == before
    assert list(h.resources.values_list("kind", "monthly_amount")) == resources
    assert list(h.status_changes.values_list("to_status", "effective_date")) == changes
    assert h.rehousings.get().rent == Decimal("450.00") and h.proposals.get().answer == Answer.ACCEPTED
    assert compute(Household.objects.all(), TODAY).values == indicators


def test_active_or_recent_files_are_untouched(world):
    old_active = world.household_b  # searching since 2024, no contact since: still active
    household_transition(
        household=old_active, action="diagnose", actor=world.users["social_b"], effective_date=D(2024, 4, 1)
    )
    recent = closed_file(world, last_contact=D(2025, 6, 1))
    before = history_count()

    report = retention_apply(today=TODAY)

    assert report.households == 0
    assert history_count() == before
    for h in (old_active, recent):
        h.refresh_from_db()
        assert h.anonymised_on is None
    assert recent.reference_name == "Famille Martin" and recent.members.count() == 2
    # The same recent file becomes eligible two years after its last contact, not a day before.
    assert not eligible_households(today=D(2027, 5, 31)).exists()
    assert list(eligible_households(today=D(2027, 6, 1))) == [recent]


def test_recent_support_entry_delays_erasure(world):
    h = closed_file(world)
    SupportLogEntry.objects.create(household=h, kind="appel", date=D(2025, 2, 1), summary="Appel")
    assert retention_apply(today=TODAY).households == 0


def test_dry_run_changes_nothing(world):
    h = closed_file(world)
    before = history_count(), h.version

    report = retention_apply(today=TODAY, dry_run=True)

    assert report.references == [h.reference] and report.dry_run
    h.refresh_from_db()
    assert (history_count(), h.version) == before
    assert h.anonymised_on is None and h.members.count() == 2 and h.reference_name == "Famille Martin"


def test_second_run_does_nothing(world):
    closed_file(world)
    assert retention_apply(today=TODAY).households == 1
    before = history_count()
    assert retention_apply(today=TODAY).households == 0
    # Never eligible again, even later (a simulation: a future date is refused otherwise).
    assert retention_apply(today=TODAY + dt.timedelta(days=400), dry_run=True).households == 0
    assert history_count() == before


def test_members_moved_by_a_split_keep_their_history(world):
    h = closed_file(world)
    other = factories.HouseholdFactory(building=world.building, reference="CONC-009")
    kylian = h.members.get(first_name="Kylian")
    HouseholdMember.objects.filter(pk=kylian.pk).update(household=other)

    retention_apply(today=TODAY)

    assert HouseholdMember.history.filter(id=kylian.pk).exists()
    assert not HouseholdMember.history.filter(first_name="Nadia").exists()


def test_admin_log_loses_names(world):
    h = closed_file(world)
    retention_apply(today=TODAY)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Household), object_id=str(h.pk)
    )
    assert entry.change_message == "" and entry.object_repr == h.reference


def test_command_prints_a_french_report(world):
    closed_file(world)
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--today", "2026-11-26", stdout=out)
    assert "Simulation : 1 dossier(s) seraient anonymisés" in out.getvalue()
    assert Household.objects.get(pk=world.household_a.pk).anonymised_on is None

    out = StringIO()
    call_command("apply_retention", "--today", "2026-11-26", stdout=out)
    text = out.getvalue()
    assert "Dossiers anonymisés : 1" in text and "Membres supprimés : 2" in text
    assert "CONC-001" in text
    assert Household.objects.get(pk=world.household_a.pk).anonymised_on == TODAY


def test_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("apply_retention", "--today", "26/11/2026", stdout=StringIO())


FUTURE = "2040-01-01"


def test_command_refuses_a_future_date_and_erases_nothing(world):
    """The probe: ``--today 2040-01-01`` would anonymise files whose two years are not over."""
    due_later = closed_file(world, last_contact=timezone.localdate() - dt.timedelta(days=30))
    before = history_count(), due_later.version

    with pytest.raises(CommandError, match="postérieure à aujourd'hui.*--dry-run"):
        call_command("apply_retention", "--today", FUTURE, stdout=StringIO())

    due_later.refresh_from_db()
    assert (history_count(), due_later.version) == before
    assert due_later.anonymised_on is None and due_later.reference_name == "Famille Martin"
    assert due_later.members.count() == 2


def test_service_refuses_tomorrow_but_accepts_today(world):
    closed_file(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="postérieure à aujourd'hui"):
        retention_apply(today=tomorrow)
    assert Household.objects.get(pk=world.household_a.pk).anonymised_on is None
    assert retention_apply(today=timezone.localdate()).households == 1


def test_dry_run_accepts_a_future_date(world):
    due_later = closed_file(world, last_contact=timezone.localdate() - dt.timedelta(days=30))
    out = StringIO()

    call_command("apply_retention", "--dry-run", "--today", FUTURE, stdout=out)

    assert "Simulation : 1 dossier(s) seraient anonymisés" in out.getvalue() and "CONC-001" in out.getvalue()
    due_later.refresh_from_db()
    assert due_later.anonymised_on is None and due_later.members.count() == 2
