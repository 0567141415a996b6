"""The benefits engine agrees with openfisca-france run directly on the same inputs.

The reference below is written independently of the engine: a plain openfisca situation with one
household per case (no axes, no curve, no cache, the APL zone left to openfisca's own commune table),
all cases in one simulation because building a simulation is the slow part.
"""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from relogement.benefits import engine
from relogement.core.errors import DomainError
from relogement.households.models import HouseholdMember, Relation, ResourceKind, ResourceLine
from tests import factories

MONTH = date(2026, 11, 1)
LILLE = "59350"  # APL zone 2
ANNOEULLIN = "59011"  # APL zone 3 (mel_zonages_logement.csv)


def _months_back(month: date, count: int) -> list[str]:
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        number -= 1
        if number == 0:
            year, number = year - 1, 12
    return months


def reference(cases: list[dict]) -> list[tuple[float, float]]:
    """(aide_logement_montant, reduction_loyer_solidarite) for each case, openfisca run directly.

    Case: adults, children, income (monthly taxable salary of the first adult, stable since January
    of year N-2), rent, commune, social (HLM tenant or not). Adults are 35, children 8 (born six
    months after the birthday month so the age is the same all year round). The household receives
    no RSA, AAH or ASS (declared as zero, as the engine does).
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    period = f"{MONTH:%Y-%m}"
    months = _months_back(MONTH, 24 + MONTH.month)
    zero = dict.fromkeys(months, 0.0)
    situation = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
    for n, case in enumerate(cases):
        adults = [f"c{n}p{i}" for i in range(case["adults"])]
        children = [f"c{n}e{i}" for i in range(case["children"])]
        for person in adults + children:
            situation["individus"][person] = {
                "date_naissance": {"ETERNITY": "1991-05-01" if person in adults else "2018-05-01"},
                "salaire_imposable": dict.fromkeys(months, float(case["income"]))
                if person == adults[0]
                else zero,
                "retraite_imposable": zero,
                "chomage_imposable": zero,
                "pensions_alimentaires_percues": zero,
                "aah": zero,
                "ass": zero,
                "boursier": {period: False},
            }
        situation["familles"][f"f{n}"] = {"parents": adults, "enfants": children, "rsa": zero}
        situation["foyers_fiscaux"][f"ff{n}"] = {"declarants": adults, "personnes_a_charge": children}
        situation["menages"][f"m{n}"] = {
            "personne_de_reference": adults[:1],
            "conjoint": adults[1:],
            "enfants": children,
            "loyer": {period: case["rent"]},
            "depcom": {period: case["commune"]},
            "statut_occupation_logement": {period: "locataire_hlm" if case["social"] else "locataire_vide"},
        }
    simulation = SimulationBuilder().build_from_entities(_reference_system(), situation)
    apl = simulation.calculate("aide_logement_montant", period)
    rls = simulation.calculate("reduction_loyer_solidarite", period)
    return [(float(a), round(float(r), 2)) for a, r in zip(apl, rls, strict=True)]


def _reference_system():
    # The package's tax-benefit system (slow to build): the engine's copy is the same object one
    # would build here, and holds no engine logic.
    return engine.tax_benefit_system()


COMPOSITIONS = [(adults, children) for adults in (1, 2) for children in range(5)]
# Each composition is tried with two (income, commune, social housing) combinations; over the
# grid every income, both zones and both housing kinds meet every composition size.
COMBINATIONS = [
    (0, LILLE, True),
    (800, ANNOEULLIN, True),
    (1400, LILLE, True),
    (2500, ANNOEULLIN, True),
    (1400, ANNOEULLIN, False),
    (800, LILLE, False),
]
RENTS = [250, 450, 700, 452.37]


def _grid() -> list[dict]:
    cases = []
    for index, (adults, children) in enumerate(COMPOSITIONS):
        for combination in (COMBINATIONS[index % 6], COMBINATIONS[(index + 3) % 6]):
            income, commune, social = combination
            for rent in RENTS:
                cases.append(
                    dict(
                        adults=adults,
                        children=children,
                        income=income,
                        rent=rent,
                        commune=commune,
                        social=social,
                    )
                )
    return cases


GRID = _grid()
RNG = np.random.default_rng(2025)
FRACTIONAL = [
    dict(adults=2, children=2, income=1900, rent=round(float(r), 2), commune=LILLE, social=True)
    for r in RNG.uniform(100, 1400, 150)
] + [
    dict(adults=1, children=1, income=1100, rent=round(float(r), 2), commune=ANNOEULLIN, social=False)
    for r in RNG.uniform(100, 1400, 100)
]


@pytest.fixture(scope="module")
def expected():
    return reference(GRID + FRACTIONAL)


@pytest.fixture
def communes(db):
    factories.CommuneFactory(insee_code=LILLE, name="Lille", zone_apl=2)
    factories.CommuneFactory(insee_code=ANNOEULLIN, name="Annœullin", zone_apl=3)


def _engine_results(cases: list[dict]) -> list[engine.BenefitResult]:
    """Group cases by profile and commune, as the offers pages do, and keep the original order."""
    groups: dict[tuple, list[int]] = {}
    for index, case in enumerate(cases):
        key = (case["adults"], case["children"], case["income"], case["commune"], case["social"])
        groups.setdefault(key, []).append(index)
    results: list = [None] * len(cases)
    for (adults, children, income, commune, social), indexes in groups.items():
        profile = engine.HouseholdProfile.simple(adults, children, Decimal(income))
        rents = [Decimal(str(cases[i]["rent"])) for i in indexes]
        computed = engine.compute_for_rents(
            profile=profile,
            insee_code=commune,
            rents=rents,
            charges=[Decimal("0")] * len(rents),
            stock="social" if social else "prive_vide",
            month=MONTH,
        )
        for i, result in zip(indexes, computed, strict=True):
            results[i] = result
    return results


def test_engine_matches_openfisca_on_the_grid(communes, expected):
    engine.clear_cache()
    results = _engine_results(GRID)
    mismatches = [
        (case, (float(result.apl), float(result.rls)), want)
        for case, result, want in zip(GRID, results, expected[: len(GRID)], strict=True)
        if abs(float(result.apl) - want[0]) >= 0.01 or abs(float(result.rls) - want[1]) >= 0.01
    ]
    assert not mismatches
    # The grid is not degenerate: it has benefits, RLS and zeros.
    assert any(r.apl > 0 for r in results) and any(r.apl == 0 for r in results)
    assert any(r.rls > 0 for r in results) and any(r.rls == 0 for r in results)


def test_interpolation_error_is_below_one_cent_on_fractional_rents(communes, expected):
    engine.clear_cache()
    results = _engine_results(FRACTIONAL)
    want = expected[len(GRID) :]
    apl_error = max(abs(float(r.apl) - w[0]) for r, w in zip(results, want, strict=True))
    rls_error = max(abs(float(r.rls) - w[1]) for r, w in zip(results, want, strict=True))
    assert apl_error < 0.01
    assert rls_error < 0.01
    # One curve per profile and commune: the fast path was used, not one simulation per rent.
    assert engine.cache_info()["curves"] == 2


def test_communes_of_the_same_zone_share_a_curve_and_stay_exact(db, expected):
    factories.CommuneFactory(insee_code=LILLE, name="Lille", zone_apl=2)
    factories.CommuneFactory(insee_code="59512", name="Roubaix", zone_apl=2)
    engine.clear_cache()
    profile = engine.HouseholdProfile.simple(1, 2, Decimal("1400"))
    lille = engine.compute_benefits(
        profile=profile, insee_code=LILLE, rent=Decimal("450"), charges=Decimal("0"), stock="social"
    )
    roubaix = engine.compute_benefits(
        profile=profile, insee_code="59512", rent=Decimal("450"), charges=Decimal("0"), stock="social"
    )
    assert engine.cache_info() == {"curves": 1, "hits": 1, "misses": 1}
    want = reference([dict(adults=1, children=2, income=1400, rent=450, commune="59512", social=True)])[0]
    assert (float(roubaix.apl), float(roubaix.rls)) == want
    assert lille.apl == roubaix.apl


def test_result_fields_and_residual_rent(communes):
    profile = engine.HouseholdProfile.simple(1, 2, Decimal("1400"))
    result = engine.compute_benefits(
        profile=profile,
        insee_code=LILLE,
        rent=Decimal("450"),
        charges=Decimal("60"),
        stock="social",
        month=MONTH,
    )
    assert result.rac == Decimal("450") + Decimal("60") - result.apl - result.rls
    assert result.effort_rate == (result.rac / Decimal("1400")).quantize(Decimal("0.0001"))
    assert result.inputs["commune"] == LILLE
    assert result.inputs["zone_apl"] == 2
    assert result.inputs["month"] == "2026-11"
    assert result.inputs["rent"] == "450.00" and result.inputs["charges"] == "60.00"
    assert result.inputs["housing_status"] == "locataire_hlm"
    assert result.inputs["engine"].startswith("openfisca-france ")


def test_actual_charges_do_not_change_the_benefit(communes):
    profile = engine.HouseholdProfile.simple(2, 1, Decimal("1200"))
    rents = [Decimal("500")] * 2
    low, high = engine.compute_for_rents(
        profile=profile, insee_code=LILLE, rents=rents, charges=[Decimal("0"), Decimal("150")], stock="social"
    )
    assert (low.apl, low.rls) == (high.apl, high.rls)
    assert high.rac - low.rac == Decimal("150")


def test_rls_only_in_social_housing(communes):
    profile = engine.HouseholdProfile.simple(1, 0, Decimal("700"))
    results = {
        stock: engine.compute_benefits(
            profile=profile, insee_code=LILLE, rent=Decimal("400"), charges=Decimal("0"), stock=stock
        )
        for stock in ("social", "prive_vide", "prive_meuble", "foyer")
    }
    assert results["social"].rls > 0
    assert all(results[stock].rls == 0 for stock in ("prive_vide", "prive_meuble", "foyer"))
    assert results["prive_vide"].inputs["housing_status"] == "locataire_vide"
    assert results["prive_meuble"].inputs["housing_status"] == "locataire_meuble"
    assert results["foyer"].inputs["housing_status"] == "locataire_foyer"


def test_unknown_stock_kind_is_refused(communes):
    with pytest.raises(DomainError, match="Type de logement inconnu"):
        engine.compute_benefits(
            profile=engine.HouseholdProfile.simple(1, 0, Decimal("700")),
            insee_code=LILLE,
            rent=Decimal("400"),
            charges=Decimal("0"),
            stock="hlm",
        )


def test_zone_comes_from_the_shared_csv_when_the_referential_is_empty(db):
    assert engine.commune_zone(ANNOEULLIN) == 3
    assert engine.commune_zone(LILLE) == 2
    with pytest.raises(DomainError, match="Commune inconnue"):
        engine.commune_zone("75056")


def test_unknown_commune_is_refused_when_the_referential_is_loaded(communes):
    with pytest.raises(DomainError, match="Commune inconnue"):
        engine.compute_benefits(
            profile=engine.HouseholdProfile.simple(1, 0, Decimal("800")),
            insee_code="59512",
            rent=Decimal("400"),
            charges=Decimal("0"),
            stock="social",
        )


@pytest.mark.parametrize(
    "profile, rent, charges, month, message",
    [
        (engine.HouseholdProfile.simple(9, 0, Decimal("800")), "400", "0", None, "de 1 à 8 adultes"),
        (engine.HouseholdProfile.simple(0, 1, Decimal("800")), "400", "0", None, "de 1 à 8 adultes"),
        (engine.HouseholdProfile.simple(1, 13, Decimal("800")), "400", "0", None, "enfants"),
        (engine.HouseholdProfile.simple(1, 0, Decimal("-1")), "400", "0", None, "négatif"),
        (engine.HouseholdProfile.simple(1, 0, Decimal("800")), "-1", "0", None, "négatif"),
        (engine.HouseholdProfile.simple(1, 0, Decimal("800")), "400", "-5", None, "négatif"),
        (engine.HouseholdProfile.simple(1, 0, Decimal("800")), "400", "0", date(2027, 1, 1), "barèmes"),
        (engine.HouseholdProfile.simple(1, 0, Decimal("800")), "400", "0", date(2019, 1, 1), "barèmes"),
        (
            engine.HouseholdProfile.simple(1, 0, Decimal("800"), monthly_pension=Decimal("900")),
            "400",
            "0",
            None,
            "dépassent",
        ),
    ],
)
def test_bad_input_is_refused_in_french(communes, profile, rent, charges, month, message):
    with pytest.raises(DomainError, match=message):
        engine.compute_benefits(
            profile=profile,
            insee_code=LILLE,
            rent=Decimal(rent),
            charges=Decimal(charges),
            stock="social",
            month=month,
        )


def test_one_age_per_child():
    with pytest.raises(DomainError, match="âge par enfant"):
        engine.HouseholdProfile.simple(1, 2, Decimal("800"), children_ages=(3,))


def test_parse_month():
    assert engine.parse_month("2025-11") == date(2025, 11, 1)
    assert engine.parse_month(" 2024-03 ") == date(2024, 3, 1)
    for bad in ("2025-13", "novembre", "2025", "2027-01", "2020-12"):
        with pytest.raises(DomainError):
            engine.parse_month(bad)


def test_default_month_is_the_last_vintage_of_the_parameters():
    """Fails when openfisca-france brings newer APL/RLS values: then move DEFAULT_MONTH (docs/benefits.md)."""
    parameters = engine.tax_benefit_system().parameters.prestations_sociales.aides_logement
    starts = set()

    def walk(node):
        if hasattr(node, "values_list"):
            starts.update(value.instant_str for value in node.values_list)
        elif hasattr(node, "children"):
            for child in node.children.values():
                walk(child)

    walk(parameters.allocations_logement.locatif)
    walk(parameters.reduction_loyer_solidarite)
    assert max(starts) == "2026-10-01"
    assert engine.DEFAULT_MONTH == date(2026, 11, 1)


def test_effort_rate():
    assert engine.effort_rate(Decimal("125.61"), Decimal("1400")) == Decimal("0.0897")
    assert engine.effort_rate(Decimal("100"), Decimal("0")) is None
    assert engine.effort_rate(Decimal("100"), None) is None


def test_profile_maps_resource_kinds(db):
    household = factories.HouseholdFactory(
        adults_count=2, children_count=3, monthly_resources=Decimal("9999")
    )
    amounts = {
        ResourceKind.SALARY: "1200",
        ResourceKind.PENSION: "300",
        ResourceKind.UNEMPLOYMENT: "250",
        ResourceKind.ALIMONY: "100",
        ResourceKind.MINIMUM_INCOME: "400",
        ResourceKind.FAMILY: "350",
        ResourceKind.DISABILITY: "200",
        ResourceKind.OTHER: "50",
    }
    for kind, amount in amounts.items():
        ResourceLine.objects.create(household=household, kind=kind, monthly_amount=Decimal(amount))
    HouseholdMember.objects.create(
        household=household,
        first_name="Léa",
        last_name="X",
        relation=Relation.CHILD,
        birth_date=date(2015, 2, 1),
    )
    profile = engine.profile_for_household(household)
    assert profile.adults == 2 and profile.children == 3
    assert profile.monthly_taxable_income == Decimal("1850")
    assert profile.monthly_salary == Decimal("1200")
    assert profile.monthly_pension == Decimal("300")
    assert profile.monthly_unemployment == Decimal("250")
    assert profile.monthly_alimony == Decimal("100")
    # Every resource counts in the effort rate, only taxable ones in the benefit.
    assert profile.monthly_resources == Decimal("2850")
    # RSA and AAH are passed to openfisca as received amounts, not as resources.
    assert profile.monthly_minimum_income == Decimal("400")
    assert profile.monthly_aah == Decimal("200")
    assert profile.ages == (11, engine.DEFAULT_CHILD_AGE, engine.DEFAULT_CHILD_AGE)


def test_profile_without_resource_lines_uses_monthly_resources(db):
    household = factories.HouseholdFactory(
        adults_count=1, children_count=0, monthly_resources=Decimal("1300")
    )
    profile = engine.profile_for_household(household)
    assert profile.monthly_taxable_income == Decimal("1300") == profile.monthly_salary
    household.monthly_resources = None
    assert engine.profile_for_household(household).monthly_taxable_income == 0


def test_profile_keeps_every_adult(db):
    """A third adult (adult child, grandparent) is no longer dropped (it used to be capped at two)."""
    household = factories.HouseholdFactory(adults_count=3, children_count=0)
    profile = engine.profile_for_household(household)
    assert profile.adults == 3
    assert [p.role for p in profile.persons] == ["reference", "spouse", "other"]


def test_changing_a_household_changes_the_curve_key(db):
    """No stale curve: the key is made of the values, so a new income or child means a new curve."""
    household = factories.HouseholdFactory(
        adults_count=1, children_count=1, monthly_resources=Decimal("1000")
    )
    key = engine.curve_key(engine.profile_for_household(household), insee_code=LILLE, zone=2, month=MONTH)
    household.monthly_resources = Decimal("1100")
    key_income = engine.curve_key(
        engine.profile_for_household(household), insee_code=LILLE, zone=2, month=MONTH
    )
    household.children_count = 2
    key_child = engine.curve_key(
        engine.profile_for_household(household), insee_code=LILLE, zone=2, month=MONTH
    )
    assert len({key, key_income, key_child}) == 3
    # The effort-rate denominator does not enter the key (it does not change the benefit).
    profile = engine.HouseholdProfile.simple(1, 0, Decimal("800"))
    other = engine.HouseholdProfile.simple(1, 0, Decimal("800"), monthly_resources=Decimal("1200"))
    assert engine.curve_key(profile, insee_code=LILLE, zone=2, month=MONTH) == engine.curve_key(
        other, insee_code=LILLE, zone=2, month=MONTH
    )


def test_profile_for_household_query_count(db, django_assert_num_queries):
    household = factories.HouseholdFactory()
    ResourceLine.objects.create(household=household, kind=ResourceKind.SALARY, monthly_amount=Decimal("900"))
    from relogement.households.models import Household

    prefetched = Household.objects.prefetch_related("resources", "members").get(pk=household.pk)
    with django_assert_num_queries(0):
        engine.profile_for_household(prefetched)
