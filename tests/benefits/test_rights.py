"""Access to rights: RSA, prime d'activité and the housing benefit a household may claim and does not
declare, estimated by openfisca, shown to the assigned social provider only, never as a decision."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from relogement.audit.models import FileRead
from relogement.benefits import engine
from relogement.benefits.rights import potential_rights, rsa_and_activity_bonus
from relogement.households.models import EmploymentSituation as Job
from relogement.households.models import Relation, ResourceKind, ResourceLine
from relogement.permissions import predicates
from tests import factories
from tests.benefits.reference import MONTH, months_back

URL = "benefits:potential_rights"


def _describe(household, members, resources):
    household.members.all().delete()
    household.resources.all().delete()
    for relation, birth, situation in members:
        factories.HouseholdMemberFactory(
            household=household, relation=relation, birth_date=birth, employment=situation
        )
    for kind, amount in resources:
        ResourceLine.objects.create(household=household, kind=kind, monthly_amount=Decimal(amount))


@pytest.fixture
def jobless_couple(world):
    """A couple with two children, no income declared but family benefits, no APL declared."""
    household = world.household_a
    household.adults_count, household.children_count = 2, 2
    household.rent_before, household.charges_before = Decimal("430"), Decimal("70")
    household.apl_before, household.rls_before = None, None
    household.save()
    _describe(
        household,
        [
            (Relation.REFERENCE, date(1984, 2, 1), Job.JOBSEEKER),
            (Relation.SPOUSE, date(1986, 7, 1), Job.INACTIVE),
            (Relation.CHILD, date(2015, 3, 1), ""),
            (Relation.CHILD, date(2019, 9, 1), ""),
        ],
        [(ResourceKind.FAMILY, "150")],
    )
    return household


def test_rsa_and_housing_benefit_are_flagged_when_not_declared(jobless_couple):
    check = potential_rights(jobless_couple, month=MONTH)
    rights = {right.label: right for right in check.rights}
    assert set(rights) == {"Aide au logement (APL)", "RSA"}
    assert rights["RSA"].monthly_amount > 500 and "ne déclare pas de RSA" in rights["RSA"].why
    apl = engine.compute_benefits(
        profile=engine.profile_for_household(jobless_couple, month=MONTH),
        insee_code=jobless_couple.building.commune.insee_code,
        rent=Decimal("430"),
        charges=Decimal("70"),
        stock="social",
        month=MONTH,
    )
    assert rights["Aide au logement (APL)"].monthly_amount == apl.apl > 0
    assert "ne renseigne pas d'APL" in rights["Aide au logement (APL)"].why
    assert "Prime d'activité : aucun droit estimé." in check.checked  # no activity income


def test_declared_rights_are_not_flagged(jobless_couple):
    jobless_couple.apl_before = Decimal("380")
    jobless_couple.save()
    ResourceLine.objects.create(
        household=jobless_couple, kind=ResourceKind.MINIMUM_INCOME, monthly_amount=900
    )
    check = potential_rights(jobless_couple, month=MONTH)
    assert check.rights == []
    assert any(line.startswith("RSA déclaré : 900,00") for line in check.checked)
    assert any(line.startswith("Aide au logement déclarée : 380,00") for line in check.checked)


def test_activity_bonus_for_a_low_wage(world):
    household = world.household_a
    household.adults_count, household.children_count = 1, 1
    household.apl_before = Decimal("250")
    household.save()
    _describe(
        household,
        [(Relation.REFERENCE, date(1990, 2, 1), Job.EMPLOYED), (Relation.CHILD, date(2018, 3, 1), "")],
        [(ResourceKind.SALARY, "1100")],
    )
    check = potential_rights(household, month=MONTH)
    bonus = next(right for right in check.rights if right.label == "Prime d'activité")
    assert bonus.monthly_amount > 0 and "aucune ressource ne peut la contenir" in bonus.why


def test_estimates_equal_openfisca_run_directly(jobless_couple):
    """The RSA and prime d'activité are openfisca's, on a situation written here independently."""
    from openfisca_core.simulation_builder import SimulationBuilder

    months = months_back(MONTH, 24 + MONTH.month)
    zero = dict.fromkeys(months, 0.0)

    def person(birth, activite, salary=0.0):
        return {
            "date_naissance": {"ETERNITY": birth},
            "activite": dict.fromkeys(months, activite),
            "salaire_imposable": dict.fromkeys(months, salary),
            "retraite_imposable": zero,
            "chomage_imposable": zero,
            "pensions_alimentaires_percues": zero,
            "aah": zero,
            "ass": zero,
        }

    individus = {
        "a": person("1983-05-01", "actif", 950.0),
        "b": person("1985-05-01", "inactif"),
        "c": person("2014-05-01", "inactif"),
    }
    situation = {
        "individus": individus,
        "familles": {
            "f": {"parents": ["a", "b"], "enfants": ["c"], "aide_logement": dict.fromkeys(months, 300.0)}
        },
        "foyers_fiscaux": {"ff": {"declarants": ["a", "b"], "personnes_a_charge": ["c"]}},
        "menages": {"m": {"personne_de_reference": ["a"], "conjoint": ["b"], "enfants": ["c"]}},
    }
    simulation = SimulationBuilder().build_from_entities(engine.tax_benefit_system(), situation)
    want = (
        float(simulation.calculate("rsa", "2026-11")[0]),
        float(simulation.calculate("ppa", "2026-11")[0]),
    )
    profile = engine.HouseholdProfile(
        (
            engine.Person("reference", 43, "salarie", salary=Decimal("950")),
            engine.Person("spouse", 41, "inactif"),
            engine.Person("child", 12),
        )
    )
    rsa, bonus = rsa_and_activity_bonus(profile, month=MONTH, housing_benefit=Decimal("300"))
    assert (float(rsa), float(bonus)) == pytest.approx(want, abs=0.005)
    assert bonus > 0


def test_only_the_assigned_provider_sees_them(jobless_couple, world):
    assert predicates.can_view_potential_rights(world.users["social_a"], jobless_couple)
    for persona in ("social_b", "mous", "metropolis", "commune", "landlord", "outsider", "admin"):
        assert not predicates.can_view_potential_rights(world.users[persona], jobless_couple)
    detail = reverse("households:detail", kwargs={"pk": jobless_couple.pk})
    assert "Droits potentiels à vérifier" in world.client_for("social_a").get(detail).content.decode()
    assert "Droits potentiels à vérifier" not in world.client_for("mous").get(detail).content.decode()


def test_the_section_says_estimates_not_decisions_and_logs_the_read(jobless_couple, world):
    client = world.client_for("social_a")
    url = reverse(URL, kwargs={"pk": jobless_couple.pk})
    before = FileRead.objects.filter(household=jobless_couple, what="droits potentiels").count()
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Droits potentiels à vérifier" in html and "pas des décisions" in html
    assert "RSA" in html and "Aide au logement (APL)" in html
    assert "montant forfaitaire selon la composition" in html  # the rule
    assert FileRead.objects.filter(household=jobless_couple, what="droits potentiels").count() == before + 1
    page = client.get(url).content.decode()  # without JavaScript: a page
    assert "Retour au dossier du ménage" in page
    assert world.client_for("mous").get(url).status_code == 404
