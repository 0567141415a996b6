"""Whose income a resource line is: « Membre concerné » on the resources form and section, and the split
page naming the lines that leave with the members (docs/household-file.md, Resources)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.core.errors import DomainError
from relogement.core.formatting import format_euros
from relogement.households import services
from relogement.households.models import HouseholdMember, ResourceLine
from tests import factories
from tests.households.conftest import fill_household


@pytest.fixture
def family(world):
    household = fill_household(world.household_a, author=world.users["social_a"], members=2)
    household.refresh_from_db()
    return household


def _post(world, household, persona="social_a", **data):
    payload = {"version": household.version, "amount_salaire": "1400", "amount_prestations_familiales": "250"}
    payload.update(data)
    return world.client_for(persona).post(
        reverse("households:resources", args=[household.pk]), payload, HTTP_HX_REQUEST="true"
    )


def test_form_offers_this_households_members_only(world, family):
    stranger = factories.HouseholdMemberFactory(household=world.household_b, first_name="Étranger")
    html = (
        world.client_for("social_a").get(reverse("households:resources", args=[family.pk])).content.decode()
    )
    assert "Membre concerné (Salaires)" in html
    nadia = family.members.get(first_name="Nadia")
    assert f'<option value="{nadia.pk}">Nadia Martin</option>' in html
    assert "Ménage (aucun membre en particulier)" in html
    assert "Étranger" not in html and f'value="{stranger.pk}"' not in html


def test_assigned_member_is_saved_and_shown_next_to_the_line(world, family):
    nadia = family.members.get(first_name="Nadia")
    response = _post(world, family, member_salaire=str(nadia.pk))
    html = response.content.decode()
    assert "Ressources enregistrées" in html
    line = family.resources.get(kind="salaire")
    assert line.member == nadia and line.monthly_amount == Decimal("1400.00")
    assert family.resources.get(kind="prestations_familiales").member is None
    assert "Membre concerné" in html
    assert "<td>Nadia Martin</td>" in html and "<td>Ménage</td>" in html
    # Changing only the member is a change, with history.
    _post(world, family.__class__.objects.get(pk=family.pk), member_salaire="")
    line.refresh_from_db()
    assert line.member is None
    assert line.history.count() == 3  # created, assigned, back to the household


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ("foreign", "member_salaire", "Choisissez un membre de ce ménage dans la liste."),
        ("garbage", "member_salaire", "Choisissez un membre de ce ménage dans la liste."),
        (
            "no_amount",
            "member_rsa",
            "Indiquez le montant « RSA » de ce membre, ou laissez « Ménage ».",
        ),
    ],
)
def test_bad_member_is_refused_next_to_the_field_and_nothing_written(world, family, data, field, message):
    stranger = factories.HouseholdMemberFactory(household=world.household_b)
    nadia = family.members.get(first_name="Nadia")
    value = {"foreign": str(stranger.pk), "garbage": "abc", "no_amount": str(nadia.pk)}[data]
    version = family.version
    html = _post(world, family, amount_salaire="1500", **{field: value}).content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    family.refresh_from_db()
    assert family.version == version
    assert family.resources.get(kind="salaire").monthly_amount == Decimal("1400.00")
    assert not ResourceLine.objects.filter(member__isnull=False).exists()


def test_service_refuses_a_member_of_another_household_and_keeps_assignments_when_not_given(world, family):
    stranger = factories.HouseholdMemberFactory(household=world.household_b)
    actor = world.users["social_a"]
    with pytest.raises(DomainError, match="n'appartient pas à ce ménage"):
        services.resources_replace(
            household=family,
            amounts={"salaire": Decimal("1400")},
            members={"salaire": stranger},
            actor=actor,
            expected_version=None,
        )
    nadia = family.members.get(first_name="Nadia")
    services.resources_replace(
        household=family,
        amounts={"salaire": Decimal("1400")},
        members={"salaire": nadia},
        actor=actor,
        expected_version=None,
    )
    # Callers without members (census, single-kind updates) never clear an assignment.
    services.resources_replace(
        household=family, amounts={"salaire": Decimal("1600")}, actor=actor, expected_version=None
    )
    services.resource_set(household=family, kind="salaire", monthly_amount=Decimal("1700"), actor=actor)
    assert family.resources.get(kind="salaire").member == nadia


@pytest.mark.parametrize(
    ("persona", "resources_shown", "member_shown"),
    [
        ("social_a", True, True),
        ("mous", True, True),
        ("commune", True, True),
        ("metropolis", True, False),  # pseudonymised: no member at all
        ("landlord", False, False),  # no resources
    ],
)
def test_section_follows_the_visibility_predicates(world, family, persona, resources_shown, member_shown):
    ResourceLine.objects.filter(household=family, kind="salaire").update(
        member=family.members.get(first_name="Nadia")
    )
    response = world.client_for(persona).get(reverse("households:detail", args=[family.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Ressources par nature" in html) is resources_shown
    assert ("Membre concerné" in html) is member_shown
    assert ("<td>Nadia Martin</td>" in html) is member_shown


def test_split_page_says_which_lines_leave_with_the_members(world, family):
    nadia = family.members.get(first_name="Nadia")
    child = family.members.exclude(pk=nadia.pk).get()
    ResourceLine.objects.filter(household=family, kind="salaire").update(member=nadia)
    html = world.client_for("social_a").get(reverse("households:split", args=[family.pk])).content.decode()
    assert (
        f"Nadia Martin (ressources qui partent avec ce membre : Salaires {format_euros(Decimal('1400'))})"
        in html
    )
    assert f"{child} (aucune ressource ne part avec ce membre)" in html
    assert "les ressources du ménage sans membre désigné restent au ménage d&#x27;origine" in html


def test_split_after_assigning_in_the_form_moves_the_line(world, family):
    child = family.members.exclude(first_name="Nadia").get()
    _post(world, family, amount_rsa="300", member_rsa=str(child.pk))
    family.refresh_from_db()
    response = world.client_for("social_a").post(
        reverse("households:split", args=[family.pk]),
        {
            "version": family.version,
            "new_reference": "CONC-001-D",
            "effective_date": "2025-03-01",
            "status": "searching",
            "members": [str(child.pk)],
        },
    )
    assert response.status_code == 302
    new = HouseholdMember.objects.get(pk=child.pk).household
    assert list(new.resources.values_list("kind", "monthly_amount")) == [("rsa", Decimal("300.00"))]
    assert new.monthly_resources == Decimal("300.00")
    family.refresh_from_db()
    assert family.monthly_resources == Decimal("1650.00")
