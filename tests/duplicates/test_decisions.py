"""Decisions on a pair: audited, reversible, nothing deleted nor merged; pages, file section, import warning."""

import pytest
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.core.errors import DomainError
from relogement.duplicates.models import DecisionKind, DuplicateDecision
from relogement.duplicates.selectors import suspected_pairs
from relogement.duplicates.services import duplicate_decide, duplicate_decision_undo
from relogement.exchange.importer import exchange_import
from relogement.households.models import Household
from tests import factories
from tests.exchange.files import menage, sheets


@pytest.fixture
def twins(world):
    world.household_a.sne_number = "0591223000012345"
    world.household_a.save()
    twin = factories.HouseholdFactory(
        building=world.building,
        social_provider=world.orgs["social_a"],
        reference="CONC-001-BIS",
        reference_name="Famille Martin bis",
        sne_number="059 1223 0000 12345",
    )
    return world.household_a, twin


def test_decision_is_canonical_audited_and_undone_without_deletion(world, twins):
    a, twin = twins
    mous = world.users["mous"]
    decision = duplicate_decide(
        household=twin, other=a, decision=DecisionKind.LINKED, actor=mous, comment=" x "
    )
    assert (decision.household_low, decision.household_high) == (a, twin)
    assert (decision.score, decision.reasons, decision.comment, decision.actor) == (
        90,
        "même numéro SNE",
        "x",
        mous,
    )
    assert decision.history.get().history_user == mous
    assert suspected_pairs(user=mous) == []
    with pytest.raises(DomainError):
        duplicate_decide(household=a, other=twin, decision=DecisionKind.NOT_DUPLICATE, actor=mous)
    with pytest.raises(DomainError, match="motif"):
        duplicate_decision_undo(decision=decision, actor=mous, reason="  ")
    duplicate_decision_undo(decision=decision, actor=world.users["social_a"], reason="Erreur")
    decision.refresh_from_db()
    assert decision.undone_at is not None and decision.undone_by == world.users["social_a"]
    assert decision.undo_reason == "Erreur"
    assert [h.history_type for h in decision.history.order_by("history_id")] == ["+", "~"]
    assert [p.high_id for p in suspected_pairs(user=mous)] == [twin.pk]
    with pytest.raises(DomainError):
        duplicate_decision_undo(decision=decision, actor=mous, reason="encore")
    # Decided again after the undo: a new row, the old one kept.
    duplicate_decide(household=a, other=twin, decision=DecisionKind.NOT_DUPLICATE, actor=mous)
    assert (
        DuplicateDecision.objects.count() == 2
        and Household.objects.filter(pk__in=[a.pk, twin.pk]).count() == 2
    )
    with pytest.raises(DomainError):
        duplicate_decide(household=a, other=a, decision=DecisionKind.LINKED, actor=mous)


def test_pair_page_lists_scores_and_logs_reads(world, twins):
    a, twin = twins
    response = world.client_for("mous").get(reverse("duplicates:pairs"))
    body = response.content.decode()
    assert "Famille Martin bis" in body and "même numéro SNE" in body and ">90<" in body
    assert "Lier les dossiers" in body
    assert set(FileRead.objects.filter(user=world.users["mous"]).values_list("household_id", flat=True)) == {
        a.pk,
        twin.pk,
    }
    # The commune sees the pair, without the actions.
    body = world.client_for("commune").get(reverse("duplicates:pairs")).content.decode()
    assert "Famille Martin bis" in body and "Lier les dossiers" not in body


def test_link_from_the_page_shows_on_both_files_and_undo(world, twins):
    a, twin = twins
    client = world.client_for("social_a")
    response = client.post(
        reverse("duplicates:decide", args=[a.pk, twin.pk]), {"decision": "linked", "next": "/doublons/"}
    )
    assert response.status_code == 302
    for household, other in ((a, twin), (twin, a)):
        body = client.get(reverse("households:detail", args=[household.pk])).content.decode()
        assert f'Dossier lié : <a href="/menages/{other.pk}/">{other.reference}</a>' in body
    # The landlord sees both files, hence the link, but not the duplicates section.
    body = world.client_for("landlord").get(reverse("households:detail", args=[a.pk])).content.decode()
    assert "Dossier lié" in body and "section-doublons" not in body
    decision = DuplicateDecision.objects.get()
    response = client.post(reverse("duplicates:undo", args=[decision.pk]), {"reason": "Pas la même famille"})
    assert response.status_code == 302
    body = client.get(reverse("households:detail", args=[a.pk])).content.decode()
    assert "Dossier lié" not in body and "annulée le" in body


def test_bad_input_is_answered_next_to_the_field_and_writes_nothing(world, twins):
    a, twin = twins
    client = world.client_for("mous")
    response = client.post(reverse("duplicates:decide", args=[a.pk, twin.pk]), {"decision": "merge"})
    assert response.status_code == 200
    assert "Choisissez une décision." in response.content.decode()
    assert not DuplicateDecision.objects.exists()
    decision = duplicate_decide(household=a, other=twin, decision="linked", actor=world.users["mous"])
    response = client.post(reverse("duplicates:undo", args=[decision.pk]), {"reason": ""})
    assert "Indiquez le motif de l&#x27;annulation." in response.content.decode()
    decision.refresh_from_db()
    assert decision.undone_at is None


def test_household_file_shows_possible_duplicates_to_those_who_keep_it(world, twins):
    a, twin = twins
    body = world.client_for("mous").get(reverse("households:detail", args=[a.pk])).content.decode()
    assert "Doublons possibles (score sur 100)" in body and "CONC-001-BIS" in body
    body = world.client_for("commune").get(reverse("households:detail", args=[a.pk])).content.decode()
    assert "section-doublons" in body and "CONC-001-BIS" not in body


def test_import_reports_possible_duplicates_as_warnings_without_blocking(world):
    world.household_a.reference_age = 52
    world.household_a.save()
    rows = [
        menage(ref_menage="IMP-001", nom_referent="Mme Martin", age_referent="52"),
        menage(ref_menage="IMP-002", nom_referent="Famille Zoubir"),
        menage(ref_menage="IMP-003", nom_referent="ZOUBIR"),
    ]
    report = exchange_import(sheets=sheets(rows), dry_run=True)
    assert report.valid
    warnings = [(w.row, w.column, w.message) for w in report.warnings]
    assert (
        2,
        "nom_referent",
        "doublon possible (score 80/100) du ménage « CONC-001 » déjà enregistré : même nom du référent dans "
        "le même bâtiment ; même âge du référent — à vérifier, l'import n'est pas bloqué",
    ) in warnings
    assert any(row == 4 and "ligne 3 du fichier" in message for row, _, message in warnings)
    report = exchange_import(sheets=sheets(rows))
    assert report.imported and report.households.created == 3
    assert len([w for w in report.warnings if "doublon possible" in w.message]) == 2


def test_subject_access_export_holds_the_decisions_of_either_household(world, twins):
    from relogement.dataprotection.subject_access import subject_access

    a, twin = twins
    duplicate_decide(
        household=a, other=twin, decision="linked", actor=world.users["mous"], comment="Même famille"
    )
    for household in (a, twin):
        section = next(s for s in subject_access(household).sections if s.table.archive_name == "doublons")
        assert len(section.records) == 1 and len(section.history) == 1


def test_anonymisation_blanks_the_comments_and_keeps_the_decision(world, twins):
    import datetime as dt

    from relogement.households.retention import ON_REQUEST_REASON, household_anonymise

    a, twin = twins
    decision = duplicate_decide(
        household=a, other=twin, decision="linked", actor=world.users["mous"], comment="Mme Martin"
    )
    duplicate_decision_undo(decision=decision, actor=world.users["mous"], reason="Mme Martin a deux dossiers")
    household_anonymise(household=twin, today=dt.date.today(), actor=None, reason=ON_REQUEST_REASON)
    decision.refresh_from_db()
    assert (decision.comment, decision.undo_reason, decision.decision) == ("", "", "linked")
    assert not decision.history.exclude(comment="").exists()
    assert not decision.history.exclude(undo_reason="").exists()


@pytest.mark.parametrize(
    ("persona", "views", "decides"),
    [
        ("mous", True, True),
        ("social_a", True, True),  # both files are its own
        ("social_b", True, False),  # neither is
        ("commune", True, False),
        ("landlord", False, False),
        ("metropolis", False, False),
        ("admin", False, False),
    ],
)
def test_duplicate_predicates(world, twins, persona, views, decides):
    from relogement.permissions.predicates import can_decide_duplicate, can_view_duplicates

    a, twin = twins
    user = world.users[persona]
    assert can_view_duplicates(user) is views
    assert can_decide_duplicate(user, a, twin) is decides
    # A provider keeps only its own files: not a pair with another provider's household.
    assert can_decide_duplicate(world.users["social_a"], a, world.household_b) is False


def test_candidates_include_for_the_census_form(world, twins, rf):
    from django.template import Context, Template

    from relogement.duplicates.detection import find_possible_duplicates

    a, twin = twins
    request = rf.get("/")
    request.user = world.users["mous"]
    candidates = find_possible_duplicates(
        viewer=request.user, sne_number=a.sne_number, exclude_household_id=a.pk
    )
    html = Template("{% load duplicates_tags %}{% possible_duplicates candidates %}").render(
        Context({"request": request, "candidates": candidates})
    )
    assert "<strong>90</strong>" in html and "CONC-001-BIS" in html and "Famille Martin bis" in html
    assert "même numéro SNE" in html
