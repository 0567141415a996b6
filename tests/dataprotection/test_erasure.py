"""Erasure on request: refused, with its legal reasons, while the file must be kept; otherwise the file
is anonymised at once by the retention's code, and the erasure is logged (who, when, why), atomically."""

import datetime as dt
import html

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from relogement.audit.models import FileRead
from relogement.core.errors import DomainError
from relogement.dataprotection.erasure import erasure_blockers, household_erase
from relogement.dataprotection.models import ErasureRecord
from relogement.households.models import Household, HouseholdMember
from relogement.households.retention import ON_REQUEST_REASON
from relogement.households.statuses import ExitReason, HouseholdStatus
from relogement.offers.models import Answer, Proposal, ProposalStatus
from relogement.rehousing.models import Rehousing, RehousingKind
from tests import factories
from tests.dataprotection.conftest import dpo_client

D = dt.date
TODAY = timezone.localdate()
POST = {
    "requested_on": TODAY.isoformat(),
    "reason": "Courrier reçu, demande d'effacement (art. 17)",
    "no_dispute": "on",
}


def codes(household):
    return [b.code for b in erasure_blockers(household, today=TODAY)]


def history_texts():
    found = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model._default_manager.values_list(*names):
            found += [v for v in row if v]
    return found


def test_an_active_file_is_not_erased_and_the_page_says_why(world):
    client = dpo_client(world)
    url = reverse("dataprotection:erase", args=[world.household_a.pk])
    page = client.get(url).content.decode()
    assert "Le relogement du ménage est en cours (statut « À diagnostiquer »)" in page
    assert "CCH L.353-15" in page
    response = client.post(url, POST)
    assert response.status_code == 200
    assert "Effacement impossible" in response.content.decode()
    world.household_a.refresh_from_db()
    assert world.household_a.reference_name == "Famille Martin" and world.household_a.anonymised_on is None
    assert not ErasureRecord.objects.exists()
    assert FileRead.objects.filter(
        household=world.household_a, user=world.users["admin"], what="RGPD : effacement (confirmation)"
    ).exists()


def test_a_closed_file_is_anonymised_now_and_the_erasure_logged(world, filled):
    client = dpo_client(world)
    assert codes(filled) == []
    response = client.post(reverse("dataprotection:erase", args=[filled.pk]), POST)
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.anonymised_on == TODAY
    assert filled.reference_name == "" and filled.sne_number == "" and filled.health_note == ""
    assert not HouseholdMember.objects.filter(household=filled).exists()
    assert filled.history.first().history_change_reason == ON_REQUEST_REASON
    assert filled.history.first().history_user == world.users["admin"]
    leaked = [v for v in history_texts() if "Nadia" in v or "asthme" in v or "059123456789" in v]
    assert leaked == []
    # Requests between organisations about the household keep who, when and states, not their words.
    from relogement.requests.models import HandoffRequest, RequestAnswer

    request = HandoffRequest.objects.get(household=filled)
    assert (request.subject, request.text) == ("", "")
    assert not request.history.exclude(text="").exists()
    assert list(RequestAnswer.objects.filter(request=request).values_list("text", flat=True)) == [""]
    record = ErasureRecord.objects.get()
    assert (record.household, record.reference, record.actor, record.organisation) == (
        filled,
        "CONC-001",
        world.users["admin"],
        world.orgs["admin"],
    )
    assert record.reason == POST["reason"] and record.requested_on == TODAY
    # The page of the file shows the erasure and now refuses another one.
    page = client.get(reverse("dataprotection:household", args=[filled.pk])).content.decode()
    assert "Courrier reçu, demande d'effacement" in html.unescape(page)
    assert "Le dossier a déjà été anonymisé" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"no_dispute": ""}, "Confirmez qu'aucune réclamation"),
        ({"reason": "   "}, "Ce champ est obligatoire."),
        ({"requested_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "aujourd'hui ou une date passée"),
    ],
)
def test_bad_input_gets_a_french_error_and_erases_nothing(world, filled, change, message):
    response = dpo_client(world).post(reverse("dataprotection:erase", args=[filled.pk]), {**POST, **change})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    filled.refresh_from_db()
    assert filled.anonymised_on is None and filled.reference_name == "Famille Martin"
    assert not ErasureRecord.objects.exists()


def test_the_service_refuses_grounds_made_of_spaces(world, filled):
    with pytest.raises(DomainError, match="Indiquez le motif"):
        household_erase(
            household=filled, reason="  ", requested_on=TODAY, no_dispute=True, actor=world.users["admin"]
        )
    filled.refresh_from_db()
    assert filled.anonymised_on is None


def test_the_erasure_and_its_log_are_one_transaction(world, filled, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(ErasureRecord.objects, "create", broken)
    with pytest.raises(RuntimeError):
        household_erase(
            household=filled, reason="x", requested_on=TODAY, no_dispute=True, actor=world.users["admin"]
        )
    filled.refresh_from_db()
    assert filled.anonymised_on is None and filled.reference_name == "Famille Martin"
    assert HouseholdMember.objects.filter(household=filled).count() == 1


def test_a_proposal_in_progress_blocks(world, filled):
    Proposal.objects.create(household=filled, status=ProposalStatus.PROPOSED, notified_date=D(2025, 1, 2))
    assert codes(filled) == ["proposal_in_progress"]
    with pytest.raises(DomainError, match="proposition\\(s\\) de logement en cours"):
        household_erase(
            household=filled, reason="x", requested_on=TODAY, no_dispute=True, actor=world.users["admin"]
        )


def test_a_planned_move_in_or_a_pending_return_blocks(world, filled):
    planned = Rehousing.objects.create(
        household=filled,
        kind=RehousingKind.TEMPORARY,
        move_in_date=TODAY + dt.timedelta(days=3),
        commune=world.commune,
    )
    assert codes(filled) == ["rehousing_planned"]
    planned.delete()
    other = factories.HouseholdFactory(building=world.building, status=HouseholdStatus.CLOSED)
    Rehousing.objects.create(
        household=other,
        kind=RehousingKind.TEMPORARY,
        move_in_date=D(2025, 1, 1),
        commune=world.commune,
        right_to_return=True,
    )
    assert codes(other) == ["right_to_return"]
    Rehousing.objects.create(
        household=other, kind=RehousingKind.DEFINITIVE, move_in_date=D(2025, 6, 1), commune=world.commune
    )
    assert codes(other) == []


def _refused_offers(household, first: dt.date):
    for months in (0, 1, 2):
        Proposal.objects.create(
            household=household,
            status=ProposalStatus.REFUSED,
            notified_date=first + dt.timedelta(days=31 * months),
            answer=Answer.REFUSED,
            is_compliant=True,
        )


def test_the_offers_record_of_a_lost_right_to_stay_is_kept_five_years(world):
    recent = factories.HouseholdFactory(
        building=world.building, status=HouseholdStatus.EXITED, exit_reason=ExitReason.SELF_DEPARTURE
    )
    _refused_offers(recent, D(2024, 1, 10))
    blockers = erasure_blockers(recent, today=TODAY)
    assert [b.code for b in blockers] == ["offer_record"]
    assert "perte du droit au maintien dans les lieux le 12/09/2024" in blockers[0].message
    assert "jusqu'au 12/09/2029" in blockers[0].basis
    old = factories.HouseholdFactory(
        building=world.building,
        status=HouseholdStatus.EXITED,
        exit_reason=ExitReason.SELF_DEPARTURE,
        census_date=D(2018, 1, 1),
    )
    _refused_offers(old, D(2019, 1, 10))
    assert codes(old) == []


def test_an_eviction_is_kept_five_years(world):
    recent = factories.HouseholdFactory(
        building=world.building, status=HouseholdStatus.EXITED, exit_reason=ExitReason.EVICTION
    )
    assert codes(recent) == ["eviction"]  # exited on its census date, 01/03/2024
    old = factories.HouseholdFactory(
        building=world.building,
        status=HouseholdStatus.EXITED,
        exit_reason=ExitReason.EVICTION,
        census_date=D(2020, 1, 1),
    )
    assert codes(old) == []
    household_erase(
        household=old, reason="Demande", requested_on=TODAY, no_dispute=True, actor=world.users["admin"]
    )
    assert Household.objects.get(pk=old.pk).anonymised_on == TODAY
