"""Services of the household file: validation (French messages, nothing changes), composition and
resources kept in step, history with reasons."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.core.errors import DomainError
from relogement.households import services
from relogement.households.models import (
    HouseholdMember,
    NextStep,
    ResourceLine,
    SocialDiagnosis,
    SupportLogEntry,
)
from tests import factories

TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def h(world):
    return world.household_a


@pytest.fixture
def actor(world):
    return world.users["social_a"]


def _unchanged(household, version=1):
    household.refresh_from_db()
    assert household.version == version


def test_update_changes_fields_and_writes_history(h, actor):
    services.household_update(
        household=h,
        changes={"sne_number": "0591", "rent_before": Decimal("450")},
        actor=actor,
        expected_version=1,
    )
    h.refresh_from_db()
    assert (h.sne_number, h.rent_before, h.version) == ("0591", Decimal("450"), 2)
    record = h.history.latest()
    assert record.history_user == actor
    assert "numéro unique SNE" in record.history_change_reason


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"tenancy_start": TOMORROW}, "date d'entrée dans le logement ne peut pas être dans le futur"),
        ({"information_notice_date": TOMORROW}, "notice d'information ne peut pas être dans le futur"),
        ({"rent_before": Decimal("-1")}, "Le loyer ne peut pas être négatif"),
        ({"apl_before": Decimal("-5")}, "APL ne peut pas être négatif"),
        ({"monthly_resources": Decimal("-100")}, "ressources mensuelles ne peut pas être négatif"),
        ({"origin_living_area": Decimal("0")}, "surface d'origine doit être strictement positif"),
        ({"origin_floor": 99}, "L'étage d'origine doit être compris"),
        ({"adults_count": 0}, "nombre d'adultes doit être compris"),
        ({"status": "closed"}, "Champs non modifiables"),
    ],
)
def test_update_refuses_bad_values(h, actor, changes, message):
    with pytest.raises(DomainError, match=message):
        services.household_update(household=h, changes=changes, actor=actor, expected_version=1)
    _unchanged(h)


def test_members_drive_composition(h, actor):
    services.member_add(
        household=h,
        first_name="Nadia",
        last_name="Martin",
        relation="reference",
        birth_date=dt.date(1980, 1, 1),
        employment="salarie",
        actor=actor,
    )
    child = services.member_add(
        household=h,
        first_name="Léo",
        last_name="Martin",
        relation="enfant",
        birth_date=dt.date(2015, 6, 1),
        actor=actor,
    )
    h.refresh_from_db()
    assert (h.adults_count, h.children_count) == (1, 1)
    assert h.reference_age >= 44
    with pytest.raises(DomainError, match="calculée à partir des membres"):
        services.household_update(
            household=h, changes={"adults_count": 3}, actor=actor, expected_version=h.version
        )
    services.member_remove(member=child, actor=actor, expected_version=h.version)
    h.refresh_from_db()
    assert (h.adults_count, h.children_count) == (1, 0)
    assert "Membre retiré" in h.history.latest().history_change_reason


@pytest.mark.parametrize(
    "values,message",
    [
        (dict(birth_date=dt.date(2024, 3, 2)), "né après la date de recensement"),
        (dict(birth_date=TOMORROW), "date de naissance ne peut pas être dans le futur"),
        (dict(first_name=" "), "Le prénom est obligatoire"),
        (dict(relation="cousin"), "Lien avec la personne de référence inconnu"),
        (dict(employment="astronaute"), "Situation professionnelle inconnue"),
    ],
)
def test_member_validation(h, actor, values, message):
    data = dict(first_name="Alex", last_name="Martin", relation="conjoint", birth_date=None, employment="")
    data.update(values)
    with pytest.raises(DomainError, match=message):
        services.member_add(household=h, actor=actor, **data)
    assert not HouseholdMember.objects.filter(household=h).exists()
    _unchanged(h)


def test_only_one_reference_person(h, actor):
    services.member_add(household=h, first_name="A", last_name="B", relation="reference", actor=actor)
    with pytest.raises(DomainError, match="déjà une personne de référence"):
        services.member_add(household=h, first_name="C", last_name="D", relation="reference", actor=actor)


def test_member_update(h, actor):
    member = services.member_add(household=h, first_name="A", last_name="B", relation="conjoint", actor=actor)
    h.refresh_from_db()
    services.member_update(member=member, actor=actor, expected_version=h.version, employment="retraite")
    member.refresh_from_db()
    assert member.employment == "retraite"
    with pytest.raises(DomainError, match="né après"):
        services.member_update(
            member=member, actor=actor, expected_version=None, birth_date=dt.date(2025, 1, 1)
        )


def test_resource_lines_drive_monthly_resources(h, actor):
    services.resource_set(household=h, kind="salaire", monthly_amount=Decimal("1200"), actor=actor)
    services.resource_set(household=h, kind="rsa", monthly_amount=Decimal("300.50"), actor=actor)
    h.refresh_from_db()
    assert h.monthly_resources == Decimal("1500.50")
    services.resource_set(household=h, kind="rsa", monthly_amount=None, actor=actor)
    h.refresh_from_db()
    assert h.monthly_resources == Decimal("1200")
    with pytest.raises(DomainError, match="ressources par nature"):
        services.household_update(
            household=h, changes={"monthly_resources": Decimal("9")}, actor=actor, expected_version=h.version
        )


def test_negative_resource_is_refused(h, actor):
    with pytest.raises(DomainError, match="ne peut pas être négatif"):
        services.resources_replace(
            household=h,
            amounts={"salaire": Decimal("1000"), "rsa": Decimal("-1")},
            actor=actor,
            expected_version=1,
        )
    assert not ResourceLine.objects.filter(household=h).exists()
    _unchanged(h)


def test_diagnosis_record_and_validation(h, actor):
    with pytest.raises(DomainError, match="diagnostic ne peut pas être dans le futur"):
        services.diagnosis_record(household=h, date=TOMORROW, findings="x", actor=actor)
    with pytest.raises(DomainError, match="précéder la date de recensement"):
        services.diagnosis_record(household=h, date=dt.date(2020, 1, 1), findings="x", actor=actor)
    with pytest.raises(DomainError, match="constats ou les conclusions"):
        services.diagnosis_record(household=h, date=dt.date(2024, 4, 1), actor=actor)
    assert not SocialDiagnosis.objects.exists()
    d = services.diagnosis_record(
        household=h,
        date=dt.date(2024, 4, 1),
        findings="f",
        conclusions="c",
        rent_arrears=True,
        support_level="renforce",
        actor=actor,
    )
    assert d.author == actor and d.rent_arrears


def test_support_entry_and_steps(h, actor):
    with pytest.raises(DomainError, match="contact ne peut pas être dans le futur"):
        services.support_entry_add(household=h, kind="appel", date=TOMORROW, summary="x", actor=actor)
    with pytest.raises(DomainError, match="résumé est obligatoire"):
        services.support_entry_add(
            household=h, kind="appel", date=dt.date(2024, 5, 1), summary=" ", actor=actor
        )
    with pytest.raises(DomainError, match="Type de contact inconnu"):
        services.support_entry_add(
            household=h, kind="sms", date=dt.date(2024, 5, 1), summary="x", actor=actor
        )
    assert not SupportLogEntry.objects.exists()
    services.support_entry_add(
        household=h, kind="courrier", date=dt.date(2024, 5, 1), summary="Lettre", actor=actor
    )
    step = services.next_step_add(household=h, title="Visite", due_date=dt.date(2025, 1, 1), actor=actor)
    with pytest.raises(DomainError, match="appartenir au prestataire"):
        services.next_step_add(
            household=h,
            title="X",
            due_date=dt.date(2025, 1, 1),
            actor=actor,
            assignee=factories.UserFactory(),
        )
    services.next_step_complete(step=step, actor=actor)
    step.refresh_from_db()
    assert step.done_on == dt.date.today()
    with pytest.raises(DomainError, match="déjà réalisée"):
        services.next_step_complete(step=step, actor=actor)
    assert NextStep.objects.count() == 1


def test_wishes_update(world, h, actor):
    wishes = services.wishes_update(
        household=h,
        actor=actor,
        expected_version=1,
        dwelling_types=["T3", "T4"],
        housing_kind="maison",
        max_residual_rent=Decimal("350"),
        locations=[(world.commune, "Bois-Blancs"), (world.other_commune, "")],
    )
    assert [loc.commune for loc in wishes.locations.order_by("rank")] == [world.commune, world.other_commune]
    with pytest.raises(DomainError, match="en double"):
        services.wishes_update(
            household=h,
            actor=actor,
            expected_version=None,
            locations=[(world.commune, ""), (world.commune, "")],
        )
    with pytest.raises(DomainError, match="reste à charge maximal ne peut pas être négatif"):
        services.wishes_update(
            household=h, actor=actor, expected_version=None, max_residual_rent=Decimal("-1")
        )
    wishes.refresh_from_db()
    assert wishes.locations.count() == 2 and wishes.max_residual_rent == Decimal("350")


def test_single_referent_assignment(world, h, actor):
    services.referent_assign(household=h, referent=actor, actor=actor, expected_version=1)
    h.refresh_from_db()
    assert h.referent == actor and h.version == 2
    with pytest.raises(DomainError, match="travailleur social du prestataire"):
        services.referent_assign(
            household=h, referent=world.users["social_b"], actor=actor, expected_version=2
        )


def test_bulk_referent_requires_a_social_provider(world, h):
    with pytest.raises(DomainError, match="Seul un prestataire social"):
        services.referent_assign_bulk(household_ids=[h.pk], referent=None, actor=world.users["mous"])
    with pytest.raises(DomainError, match="au moins un ménage"):
        services.referent_assign_bulk(household_ids=[], referent=None, actor=world.users["social_a"])
    with pytest.raises(DomainError, match="pas suivis par votre organisation"):
        services.referent_assign_bulk(
            household_ids=[world.household_b.pk], referent=None, actor=world.users["social_a"]
        )
