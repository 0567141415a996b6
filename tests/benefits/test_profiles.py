"""From the household file to the benefit profile: members, situations, each adult's incomes, and the
assumptions made where the file is silent; the engine's results equal openfisca run directly."""

from datetime import date
from decimal import Decimal

import pytest

from relogement.benefits import engine
from relogement.households.models import EmploymentSituation as Job
from relogement.households.models import Household, Relation, ResourceKind, ResourceLine
from tests import factories
from tests.benefits.reference import MONTH, persons_of, reference

LILLE = "59350"


@pytest.fixture
def communes(db):
    factories.CommuneFactory(insee_code=LILLE, name="Lille", zone_apl=2)


def household_with(members, resources, **fields):
    """members: (relation, birth date, situation); resources: (kind, monthly amount)."""
    household = factories.HouseholdFactory(
        adults_count=sum(1 for m in members if m[0] != Relation.CHILD or m[1].year < 2005),
        children_count=sum(1 for m in members if m[0] == Relation.CHILD and m[1].year >= 2005),
        **fields,
    )
    for relation, birth, situation in members:
        factories.HouseholdMemberFactory(
            household=household, relation=relation, birth_date=birth, employment=situation
        )
    for kind, amount in resources:
        ResourceLine.objects.create(household=household, kind=kind, monthly_amount=Decimal(amount))
    return Household.objects.prefetch_related("members", "resources").get(pk=household.pk)


def engine_and_reference(profile, rent="480", stock="social"):
    result = engine.compute_benefits(
        profile=profile, insee_code=LILLE, rent=Decimal(rent), charges=Decimal("60"), stock=stock, month=MONTH
    )
    want = reference(
        [
            {
                "persons": persons_of(profile),
                "rsa": profile.monthly_minimum_income,
                "rent": rent,
                "charges": "60",
                "commune": LILLE,
                "stock": stock,
            }
        ]
    )[0]
    assert (float(result.apl), float(result.rls)) == want
    return result


def test_a_job_seeker_without_benefits_neutralises_the_couples_income(communes):
    """The issue's case: the engine used to ignore the partner's situation (and put the salary on one
    adult). A job seeker without benefits for more than two months neutralises the couple's income."""
    members = [
        (Relation.REFERENCE, date(1985, 3, 1), Job.EMPLOYED),
        (Relation.SPOUSE, date(1987, 6, 1), Job.JOBSEEKER),
        (Relation.CHILD, date(2016, 1, 1), ""),
    ]
    household = household_with(members, [(ResourceKind.SALARY, "1900")])
    profile = engine.profile_for_household(household, month=MONTH)
    assert [p.situation for p in profile.persons] == ["salarie", "demandeur_emploi", ""]
    assert profile.persons[0].salary == Decimal("1900") and profile.persons[1].salary == 0
    assert any("plus de deux mois" in a for a in profile.assumptions)
    with_situation = engine_and_reference(profile)
    ignored = engine.compute_benefits(
        profile=engine.HouseholdProfile.simple(2, 1, Decimal("1900"), children_ages=(10,)),
        insee_code=LILLE,
        rent=Decimal("480"),
        charges=Decimal("60"),
        stock="social",
        month=MONTH,
    )
    assert with_situation.apl > ignored.apl + 100
    assert with_situation.estimate and with_situation.assumptions == profile.assumptions


def test_three_adults_each_with_their_own_income(communes):
    """A grandmother with her pension and an adult son with his salary live with the couple."""
    members = [
        (Relation.REFERENCE, date(1980, 3, 1), Job.EMPLOYED),
        (Relation.SPOUSE, date(1982, 6, 1), Job.INACTIVE),
        (Relation.PARENT, date(1950, 1, 1), Job.RETIRED),
        (Relation.CHILD, date(2002, 2, 1), Job.EMPLOYED),
        (Relation.CHILD, date(2012, 9, 1), ""),
    ]
    resources = [
        (ResourceKind.SALARY, "1500"),
        (ResourceKind.SALARY, "900"),
        (ResourceKind.PENSION, "820"),
        (ResourceKind.FAMILY, "140"),
    ]
    household = household_with(members, resources)
    profile = engine.profile_for_household(household, month=MONTH)
    roles = [(p.role, p.situation) for p in profile.persons]
    assert roles == [
        ("reference", "salarie"),
        ("spouse", "inactif"),
        ("other", "retraite"),
        ("other", "salarie"),  # 24 years old: an adult with their own tax household
        ("child", ""),
    ]
    assert profile.adults == 4 and profile.children == 1
    # The pension goes to the only retired member; the salaries (two employed adults) are split.
    assert profile.persons[2].pension == Decimal("820")
    assert profile.persons[0].salary == profile.persons[3].salary == Decimal("1200")
    assert any("répartis à parts égales entre 2 adultes salariés" in a for a in profile.assumptions)
    assert profile.monthly_resources == Decimal("3360")
    engine_and_reference(profile)
    engine_and_reference(profile, rent="655.35", stock="prive_vide")


def test_parental_leave_and_rsa_are_read(communes):
    members = [
        (Relation.REFERENCE, date(1990, 3, 1), Job.PARENTAL_LEAVE),
        (Relation.CHILD, date(2025, 1, 1), ""),
    ]
    leave = household_with(members, [(ResourceKind.SALARY, "1300")])
    employed = household_with(
        [(Relation.REFERENCE, date(1990, 3, 1), Job.EMPLOYED), (Relation.CHILD, date(2025, 1, 1), "")],
        [(ResourceKind.SALARY, "1300")],
    )
    on_leave = engine_and_reference(engine.profile_for_household(leave, month=MONTH))
    working = engine_and_reference(engine.profile_for_household(employed, month=MONTH))
    assert on_leave.apl > working.apl
    with_rsa = household_with(
        [(Relation.REFERENCE, date(1990, 3, 1), Job.EMPLOYED)],
        [(ResourceKind.SALARY, "700"), (ResourceKind.MINIMUM_INCOME, "300")],
    )
    profile = engine.profile_for_household(with_rsa, month=MONTH)
    assert profile.monthly_minimum_income == Decimal("300")
    engine_and_reference(profile)


def test_retired_and_disabled_members_and_attribution_without_holder(communes):
    members = [
        (Relation.REFERENCE, date(1955, 3, 1), Job.RETIRED),
        (Relation.SPOUSE, date(1960, 6, 1), Job.DISABLED),
    ]
    resources = [
        (ResourceKind.PENSION, "1100"),
        (ResourceKind.DISABILITY, "600"),
        (ResourceKind.UNEMPLOYMENT, "200"),
        (ResourceKind.OTHER, "50"),
    ]
    profile = engine.profile_for_household(household_with(members, resources), month=MONTH)
    assert profile.persons[0].pension == Decimal("1100") and profile.persons[1].aah == Decimal("600")
    # Nobody is a job seeker: the unemployment benefits go to the applicant, and the page says so.
    assert profile.persons[0].unemployment == Decimal("200")
    assert any("aucun adulte n'est demandeur d'emploi" in a for a in profile.assumptions)
    assert any("« Autres »" in a for a in profile.assumptions)
    engine_and_reference(profile, stock="foyer")


def test_a_file_without_members_says_what_it_assumes(communes):
    household = factories.HouseholdFactory(
        adults_count=3, children_count=2, monthly_resources=Decimal("1700")
    )
    profile = engine.profile_for_household(household, month=MONTH)
    assert [p.role for p in profile.persons] == ["reference", "spouse", "other", "child", "child"]
    assert profile.ages == (engine.DEFAULT_CHILD_AGE,) * 2
    assert any("Aucun membre n'est décrit" in a for a in profile.assumptions)
    assert any("traitées comme des salaires" in a for a in profile.assumptions)
    assert any("Situation professionnelle non renseignée" in a for a in profile.assumptions)
    engine_and_reference(profile)


def test_unknown_resources_are_an_assumption_not_a_silent_zero(communes):
    """No resource line and no total: the benefit is computed on no resources, and the page says so;
    a total of 0 recorded is a fact (no assumption about it)."""
    unknown = factories.HouseholdFactory(adults_count=1, children_count=0, monthly_resources=None)
    profile = engine.profile_for_household(unknown, month=MONTH)
    assert "Ressources non renseignées : le calcul suppose que le ménage n'a aucune ressource." in (
        profile.assumptions
    )
    nil = factories.HouseholdFactory(adults_count=1, children_count=0, monthly_resources=Decimal("0"))
    assert not any("Ressources non" in a for a in engine.profile_for_household(nil, month=MONTH).assumptions)


def test_a_described_single_adult_household_needs_no_assumption(communes):
    household = household_with(
        [(Relation.REFERENCE, date(1975, 3, 1), Job.EMPLOYED), (Relation.CHILD, date(2014, 5, 1), "")],
        [(ResourceKind.SALARY, "1450"), (ResourceKind.FAMILY, "130")],
    )
    profile = engine.profile_for_household(household, month=MONTH)
    assert profile.assumptions == ()
    result = engine_and_reference(profile)
    assert not result.estimate


def test_profile_for_household_query_count(communes, django_assert_num_queries):
    household = household_with(
        [(Relation.REFERENCE, date(1975, 3, 1), Job.EMPLOYED)], [(ResourceKind.SALARY, "900")]
    )
    with django_assert_num_queries(0):
        engine.profile_for_household(household)


def test_computing_a_profile_logs_no_read_of_the_file(communes):
    """The engine reads birth dates for ages that no page shows: not a read of the named file (the plan
    computes every household of its perimeter)."""
    from relogement.audit.reads import collecting

    household = household_with(
        [(Relation.REFERENCE, date(1975, 3, 1), Job.EMPLOYED), (Relation.CHILD, date(2014, 5, 1), "")],
        [(ResourceKind.SALARY, "900")],
    )
    with collecting() as collector:
        profile = engine.profile_for_household(household, month=MONTH)
    assert profile.ages == (12,) and collector.shown == set()
