"""Change of social provider (issue 12, point 8): social notes stay with the organisation that holds
them unless the project office hands the social file over; the change is made in the application by
the project office and logged."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from relogement.accounts.models import OrganisationKind
from relogement.core.errors import DomainError
from relogement.households import services
from relogement.households.exports import export_response
from relogement.households.models import (
    Household,
    NextStep,
    ProviderReassignment,
    SocialDiagnosis,
    SupportLogEntry,
)
from relogement.households.reassignment import household_reassign_provider
from relogement.households.selectors import HouseholdFilters, household_list
from relogement.permissions import predicates
from tests import factories

SECRETS = {
    "findings": "Constat confidentiel",
    "log": "Résumé secret 0",
    "health": "asthme sévère",
}
WITHHELD = "notes d'un précédent prestataire, non transmises"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _reassign(world, household, to="social_b", *, hand_over=False, reason="Changement de secteur"):
    return household_reassign_provider(
        household=Household.objects.get(pk=household.pk),
        provider=world.orgs[to] if isinstance(to, str) else to,
        hand_over_social_file=hand_over,
        reason=reason,
        actor=world.users["mous"],
    )


def _page(world, persona, household):
    response = world.client_for(persona).get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _provider(name, world):
    org = factories.OrganisationFactory(name=name, kind=OrganisationKind.SOCIAL_PROVIDER)
    org.projects.add(world.project)
    return org, factories.UserFactory(username=name.lower().replace(" ", "_"), organisations=[org])


# --- Without handover ---------------------------------------------------------------------------------


def test_without_handover_the_new_provider_reads_none_of_the_previous_notes(world, rich):
    _reassign(world, rich)
    html = _page(world, "social_b", rich)
    for secret in SECRETS.values():
        assert secret not in html
    assert WITHHELD in html  # the diagnosis is listed, its findings are not
    assert "dette locative oui" not in html  # nor its difficulties
    assert "Conclusion partagée" in html  # shared conclusions follow the file, as for the project office
    assert "Aucune contrainte de santé signalée par votre organisation." in html
    # The previous provider no longer reaches the household at all.
    response = world.client_for("social_a").get(reverse("households:detail", args=[rich.pk]))
    assert response.status_code == 404


def test_without_handover_the_htmx_partials_and_forms_show_nothing_of_the_previous_notes(world, rich):
    _reassign(world, rich)
    client = world.client_for("social_b")
    # A new support-log entry: the refreshed section lists B's entry, none of A's.
    journal = client.post(
        reverse("households:support_add", args=[rich.pk]),
        {"kind": "appel", "date": "2025-02-03", "summary": "Premier appel du prestataire B"},
        **HTMX,
    ).content.decode()
    assert "Premier appel du prestataire B" in journal
    assert SECRETS["log"] not in journal
    # A new diagnosis: B's findings shown, A's withheld.
    diagnosis = client.post(
        reverse("households:diagnosis_add", args=[rich.pk]),
        {"date": "2025-02-04", "findings": "Constat du prestataire B", "conclusions": ""},
        **HTMX,
    ).content.decode()
    assert "Constat du prestataire B" in diagnosis
    assert SECRETS["findings"] not in diagnosis and WITHHELD in diagnosis
    # The health form starts empty: A's note is not put in B's hands through the edit form.
    form = client.get(reverse("households:section", args=[rich.pk, "sante"]), **HTMX).content.decode()
    assert SECRETS["health"] not in form
    html = _page(world, "social_b", rich)
    assert "Premier appel du prestataire B" in html and "Constat du prestataire B" in html
    for secret in SECRETS.values():
        assert secret not in html


def test_without_handover_exports_carry_none_of_the_previous_notes(world, rich):
    _reassign(world, rich)
    user = world.users["social_b"]
    households = household_list(user=user, filters=HouseholdFilters())
    assert rich.pk in {h.pk for h in households}
    for fmt in ("csv", "xlsx"):
        response = export_response(user=user, filters=HouseholdFilters(), fmt=fmt)
        content = response.getvalue()
        for secret in SECRETS.values():
            assert secret.encode() not in content


def test_the_new_provider_writes_its_own_health_note_and_an_empty_form_erases_nothing(world, rich):
    _reassign(world, rich)
    b = world.users["social_b"]
    household = Household.objects.get(pk=rich.pk)
    # B saves the (empty) health form: A's note stays A's, unread by B.
    services.household_update(
        household=household, changes={"health_note": ""}, actor=b, expected_version=household.version
    )
    household.refresh_from_db()
    assert SECRETS["health"] in household.health_note
    assert household.health_note_holder == world.orgs["social_a"]
    assert not predicates.can_view_health_constraints(b, household)
    # B writes its own note: it replaces A's (kept in the history) and B reads it.
    services.household_update(
        household=household,
        changes={"health_note": "Allergie signalée par B"},
        actor=b,
        expected_version=household.version,
    )
    household.refresh_from_db()
    assert household.health_note_holder == world.orgs["social_b"]
    assert predicates.can_view_health_constraints(b, household)
    assert "Allergie signalée par B" in _page(world, "social_b", household)


def test_notes_stay_with_their_holder_along_several_changes(world, rich):
    """A → B without handover, B writes; B → C with handover: C reads B's notes, not A's (B never
    held them); C → A without handover: A reads its own notes again, not B's."""
    c_org, c_user = _provider("Prestataire C", world)
    _reassign(world, rich, "social_b")
    services.support_entry_add(
        household=Household.objects.get(pk=rich.pk),
        kind="appel",
        date=dt.date(2025, 2, 3),
        summary="Note de B",
        actor=world.users["social_b"],
    )
    _reassign(world, rich, c_org, hand_over=True)
    household = Household.objects.get(pk=rich.pk)
    visible = {
        e.summary
        for e in household.support_log.all()
        if predicates.can_view_social_note(c_user, household, e)
    }
    assert visible == {"Note de B"}
    _reassign(world, rich, "social_a")
    html = _page(world, "social_a", rich)
    assert SECRETS["log"] in html and SECRETS["findings"] in html and SECRETS["health"] in html
    assert "Note de B" not in html


# --- With handover ----------------------------------------------------------------------------------


def test_with_handover_the_new_provider_reads_the_file_and_the_page_shows_the_handover(world, rich):
    _reassign(world, rich, hand_over=True, reason="Réorganisation des secteurs")
    html = _page(world, "social_b", rich)
    for secret in SECRETS.values():
        assert secret in html
    assert WITHHELD not in html
    # The file shows the change: date, person, from, to, handover, reason.
    assert f"{dt.date.today():%d/%m/%Y}" in html
    assert str(world.users["mous"]) in html
    assert "Prestataire A" in html and "Prestataire B" in html
    assert ">transmis<" in html and "Réorganisation des secteurs" in html
    entries = SupportLogEntry.objects.filter(household=rich)
    assert {e.holder_id for e in entries} == {world.orgs["social_b"].pk}
    assert {e.organisation_id for e in entries} == {world.orgs["social_a"].pk}  # the writer stays


def test_the_project_office_sees_the_change_log_but_still_no_social_note(world, rich):
    _reassign(world, rich, hand_over=True)
    html = _page(world, "mous", rich)
    assert ">transmis<" in html and "Changer de prestataire" in html
    for secret in SECRETS.values():
        assert secret not in html
    commune = _page(world, "commune", rich)
    assert "Changement de secteur" not in commune  # the reason is for those who keep the file


# --- The page -----------------------------------------------------------------------------------------


def test_the_project_office_reassigns_through_the_page(world, rich):
    rich.referent = world.users["social_a"]
    rich.save()
    step = NextStep.objects.create(
        household=rich, title="Relancer", due_date=dt.date(2025, 1, 1), assignee=world.users["social_a"]
    )
    client = world.client_for("mous")
    url = reverse("households:reassign_provider", args=[rich.pk])
    form = client.get(url, **HTMX).content.decode()
    assert "Prestataire B" in form and "transmettre le dossier social" in form.lower()
    assert f'value="{world.orgs["social_a"].pk}"' not in form  # the current provider is not offered
    version = Household.objects.get(pk=rich.pk).version
    response = client.post(
        url,
        {
            "version": version,
            "provider": world.orgs["social_b"].pk,
            "reason": "Secteur",
            "hand_over_social_file": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith(
        reverse("households:detail", args=[rich.pk])
    )
    household = Household.objects.get(pk=rich.pk)
    assert household.social_provider == world.orgs["social_b"]
    assert household.referent is None  # a person of the previous provider
    step.refresh_from_db()
    assert step.assignee is None
    change = ProviderReassignment.objects.get(household=household)
    assert (change.from_provider, change.to_provider, change.actor) == (
        world.orgs["social_a"],
        world.orgs["social_b"],
        world.users["mous"],
    )
    assert change.social_file_handed_over and change.reason == "Secteur"
    record = household.history.latest()
    assert record.history_change_reason.startswith("Changement de prestataire (dossier social transmis)")
    assert record.history_user == world.users["mous"]


@pytest.mark.parametrize("persona", ["commune", "landlord", "metropolis", "social_a", "social_b", "outsider"])
def test_other_roles_cannot_reassign(world, persona):
    url = reverse("households:reassign_provider", args=[world.household_a.pk])
    client = world.client_for(persona)
    assert client.get(url).status_code == 404
    response = client.post(url, {"version": 1, "provider": world.orgs["social_b"].pk, "reason": "x"})
    assert response.status_code == 404
    assert Household.objects.get(pk=world.household_a.pk).social_provider == world.orgs["social_a"]
    assert not ProviderReassignment.objects.exists()


# --- Bad input --------------------------------------------------------------------------------------


def _unchanged(world, household, version):
    household = Household.objects.get(pk=household.pk)
    assert household.social_provider == world.orgs["social_a"]
    assert household.version == version
    assert not ProviderReassignment.objects.exists()
    assert set(SupportLogEntry.objects.values_list("holder_id", flat=True)) == {world.orgs["social_a"].pk}
    assert set(SocialDiagnosis.objects.values_list("holder_id", flat=True)) == {world.orgs["social_a"].pk}


def test_bad_input_gives_a_french_error_and_changes_nothing(world, rich):
    version = Household.objects.get(pk=rich.pk).version
    elsewhere = factories.OrganisationFactory(
        name="Prestataire Ailleurs", kind=OrganisationKind.SOCIAL_PROVIDER
    )
    elsewhere.projects.add(world.other_project)
    cases = [
        (elsewhere, "n'intervient pas sur le projet « Lille-Concorde »"),
        (world.orgs["social_a"], "déjà suivi par « Prestataire A »"),
        (world.orgs["landlord"], "« Bailleur Nord » n'est pas un prestataire social"),
        (None, "Choisissez le nouveau prestataire social"),
    ]
    for provider, message in cases:
        with pytest.raises(DomainError, match=message):
            _reassign(world, rich, provider, hand_over=True)
        _unchanged(world, rich, version)
    with pytest.raises(DomainError, match="Le motif du changement de prestataire est obligatoire"):
        _reassign(world, rich, hand_over=True, reason="  ")
    _unchanged(world, rich, version)


def test_bad_input_through_the_page_shows_a_french_error_and_changes_nothing(world, rich):
    version = Household.objects.get(pk=rich.pk).version
    elsewhere = factories.OrganisationFactory(
        name="Prestataire Ailleurs", kind=OrganisationKind.SOCIAL_PROVIDER
    )
    client = world.client_for("mous")
    url = reverse("households:reassign_provider", args=[rich.pk])
    for provider, message in [
        (elsewhere.pk, "Choisissez un autre prestataire social du projet du ménage dans la liste."),
        (
            world.orgs["social_a"].pk,
            "Choisissez un autre prestataire social du projet du ménage dans la liste.",
        ),
        ("", "Choisissez le nouveau prestataire social."),
    ]:
        response = client.post(url, {"version": version, "provider": provider, "reason": "x"}, **HTMX)
        assert response.status_code == 200
        assert message in response.content.decode()
    response = client.post(
        url, {"version": version, "provider": world.orgs["social_b"].pk, "reason": ""}, **HTMX
    )
    assert "Indiquez le motif du changement de prestataire." in response.content.decode()
    _unchanged(world, rich, version)
    # A form opened before someone else changed the file is refused (optimistic locking).
    services.household_update(
        household=Household.objects.get(pk=rich.pk),
        changes={"sne_number": "059000000001"},
        actor=world.users["social_a"],
        expected_version=version,
    )
    response = client.post(
        url, {"version": version, "provider": world.orgs["social_b"].pk, "reason": "x"}, **HTMX
    )
    assert "modifié par une autre personne" in response.content.decode()
    _unchanged(world, rich, version + 1)


def test_an_ended_file_keeps_its_provider(world, rich):
    Household.objects.filter(pk=rich.pk).update(status="closed")
    with pytest.raises(DomainError, match="rouvrez-le avant de changer de prestataire"):
        _reassign(world, rich)
    assert Household.objects.get(pk=rich.pk).social_provider == world.orgs["social_a"]


def test_the_file_says_why_the_provider_cannot_change_instead_of_offering_a_form(world, rich):
    button = "Changer de prestataire"
    assert button in _page(world, "mous", rich)  # social_a and social_b both act on the project
    Household.objects.filter(pk=rich.pk).update(status="closed")
    html = _page(world, "mous", rich)
    assert button not in html and "rouvrez-le avant de changer de prestataire" in html
    Household.objects.filter(pk=rich.pk).update(status="searching")
    world.orgs["social_b"].projects.remove(world.project)
    html = _page(world, "mous", rich)
    assert button not in html and "Aucun autre prestataire social n&#x27;intervient sur le projet" in html


def test_errors_and_help_of_the_form_are_tied_to_their_fields(world, rich):
    """Every aria-describedby of the form points at an element of the page (help text, error)."""
    import re

    response = world.client_for("mous").post(
        reverse("households:reassign_provider", args=[rich.pk]),
        {"version": Household.objects.get(pk=rich.pk).version, "provider": "", "reason": ""},
        **HTMX,
    )
    html = response.content.decode()
    described = [i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()]
    assert "id_reason_error" in described
    for element_id in described:
        assert f'id="{element_id}"' in html, element_id


# --- Attribution of notes -----------------------------------------------------------------------------


def test_notes_are_attributed_to_the_writing_organisation(world):
    household = world.household_a
    a = world.users["social_a"]
    entry = services.support_entry_add(
        household=household, kind="appel", date=dt.date(2025, 2, 3), summary="x", actor=a
    )
    diagnosis = services.diagnosis_record(
        household=household, date=dt.date(2025, 2, 3), findings="y", actor=a
    )
    for note in (entry, diagnosis):
        assert (note.organisation, note.holder) == (world.orgs["social_a"], world.orgs["social_a"])
    household.refresh_from_db()
    services.household_update(
        household=household, changes={"health_note": "z"}, actor=a, expected_version=household.version
    )
    household.refresh_from_db()
    assert household.health_note_holder == world.orgs["social_a"]


def test_existing_notes_are_attributed_to_the_current_provider_by_the_migration(world, rich):
    SupportLogEntry.objects.update(organisation=None, holder=None)
    SocialDiagnosis.objects.update(organisation=None, holder=None)
    Household.objects.update(health_note_holder=None)
    migration = importlib.import_module("relogement.households.migrations.0009_social_notes_holder_backfill")
    migration.attribute_notes(apps, None)
    a = world.orgs["social_a"].pk
    assert set(SupportLogEntry.objects.values_list("organisation_id", "holder_id")) == {(a, a)}
    assert set(SocialDiagnosis.objects.values_list("organisation_id", "holder_id")) == {(a, a)}
    assert Household.objects.get(pk=rich.pk).health_note_holder_id == a
    assert Household.objects.get(pk=world.household_b.pk).health_note_holder_id is None  # no note


def test_a_stale_edit_never_quotes_the_health_note(world, rich):
    """The project office's stale edit lists what changed meanwhile: the health note only as changed."""
    household = Household.objects.get(pk=rich.pk)
    version = household.version
    services.household_update(
        household=household,
        changes={"health_note": "Nouvelle note : diabète"},
        actor=world.users["social_a"],
        expected_version=version,
    )
    response = world.client_for("mous").post(
        reverse("households:section", args=[rich.pk, "dossier"]),
        {"version": version, "sne_number": "1", "information_notice_date": ""},
        **HTMX,
    )
    html = response.content.decode()
    assert "modifié par une autre personne" in html
    assert "contenu non affiché" in html
    assert "diabète" not in html and SECRETS["health"] not in html


def test_retention_erases_the_reason_of_a_change_and_keeps_its_trace(world, rich):
    """The reason is free text (it may quote the household): erased with the file's other notes."""
    from django.utils import timezone

    from relogement.households.retention import retention_apply

    _reassign(world, rich, reason="Mme Martin a demandé une autre travailleuse sociale")
    Household.objects.filter(pk=rich.pk).update(status="closed", census_date=dt.date(2015, 1, 1))
    SupportLogEntry.objects.filter(household=rich).update(date=dt.date(2015, 2, 1))
    report = retention_apply(today=timezone.localdate(), actor=None)
    assert rich.reference in report.references
    change = ProviderReassignment.objects.get(household=rich)
    assert change.reason == ""
    assert (change.from_provider, change.to_provider) == (world.orgs["social_a"], world.orgs["social_b"])
    reasons = set(rich.history.values_list("history_change_reason", flat=True))
    assert "Changement de prestataire" in reasons  # an application label, kept (names of providers cut)
