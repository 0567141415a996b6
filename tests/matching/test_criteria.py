"""Each criterion: its filter (hard), its score (soft) and its explanation."""

import datetime as dt

import numpy as np
import pytest

from relogement.matching import registry
from relogement.matching.criteria.size import minimum_area
from relogement.matching.scoring import explain_offer, score_offers, total_of
from tests.matching.helpers import TODAY, constant_rac, household, offers, rac


def crit(criterion_id):
    return registry.get(criterion_id)


def assess(criterion_id, hh, table, rac_values=None):
    values = rac_values if rac_values is not None else np.full(len(table), np.nan)
    return crit(criterion_id).assess(hh, table, values)


# --- Registry ----------------------------------------------------------------------------------------


def test_registry_lists_every_criterion_once_with_french_labels():
    ids = [c.id for c in registry.all_criteria()]
    assert len(ids) == len(set(ids))
    assert set(ids) == {
        "accessibility",
        "floor_lift",
        "overcrowding",
        "under_occupation",
        "rooms_fit",
        "housing_wishes",
        "location",
        "residual_rent",
        "availability",
        "anru_objectives",
    }
    for c in registry.all_criteria():
        assert c.label and c.rule
        assert c.hard or c.scored


def test_default_weights_and_project_overrides():
    class P:
        matching_weights = {"location": 5, "residual_rent": -1, "unknown": 3, "under_occupation_hard": True}

    weights = registry.weights_for(P())
    assert weights["location"] == 5.0
    assert weights["residual_rent"] == registry.default_weights()["residual_rent"]  # negative ignored
    assert "unknown" not in weights
    assert registry.options_for(P()) == {"under_occupation_hard": True}
    assert registry.weights_for(None) == registry.default_weights()


# --- Overcrowding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persons", "area"), [(1, 9), (2, 16), (3, 25), (4, 34), (7, 61), (8, 70), (9, 70), (12, 70)]
)
def test_minimum_area_follows_the_decency_norm(persons, area):
    assert minimum_area(persons) == area


def test_overcrowding_excludes_below_the_norm_and_explains():
    hh = household(adults=2, children=2)  # 4 persons: 34 m²
    table = offers({"living_area": 33.5}, {"living_area": 34})
    result = assess("overcrowding", hh, table)
    assert result.excluded.tolist() == [True, False]
    verdict = crit("overcrowding").evaluate(hh, table, 0)
    assert verdict.excluded and verdict.hard
    assert "inférieure au minimum de 34" in verdict.reason and "4 personnes" in verdict.reason
    assert "suffisante" in crit("overcrowding").evaluate(hh, table, 1).reason


def test_overcrowding_prefilter_matches_the_filter():
    hh = household(adults=1, children=0)
    assert str(crit("overcrowding").prefilter(hh)) == str(crit("overcrowding").prefilter(hh))
    assert "living_area__gte" in str(crit("overcrowding").prefilter(hh))


# --- Under-occupation --------------------------------------------------------------------------------


def test_under_occupation_is_soft_by_default():
    hh = household(adults=1, children=0)  # 1 person: up to 2 rooms
    table = offers({"rooms": 2}, {"rooms": 3})
    result = assess("under_occupation", hh, table)
    assert result.excluded.tolist() == [False, False]
    assert result.score.tolist() == [1.0, 0.0]
    assert "sous-occupation" in crit("under_occupation").evaluate(hh, table, 1).reason
    assert "pas de sous-occupation" in crit("under_occupation").evaluate(hh, table, 0).reason
    assert crit("under_occupation").prefilter(hh) is None


def test_under_occupation_is_hard_when_the_project_says_so():
    hh = household(adults=1, children=0, under_occupation_hard=True)
    table = offers({"rooms": 2}, {"rooms": 3})
    assert assess("under_occupation", hh, table).excluded.tolist() == [False, True]
    verdict = crit("under_occupation").evaluate(hh, table, 1)
    assert verdict.hard and verdict.excluded and "réglage du projet" in verdict.reason
    assert "T1" in str(crit("under_occupation").prefilter(hh))


# --- Wishes on the dwelling --------------------------------------------------------------------------


def test_housing_wishes_scores_type_kind_and_age():
    hh = household(wish_rooms=frozenset({3}), housing_kind="maison", age="neuf")
    recent = TODAY - dt.timedelta(days=365)
    table = offers(
        {"rooms": 3, "is_house": True, "commissioning": recent},
        {"rooms": 4, "is_house": False, "commissioning": dt.date(2000, 1, 1)},
        {"rooms": 5, "is_house": True, "commissioning": None},
    )
    result = assess("housing_wishes", hh, table)
    assert result.excluded.tolist() == [False, False, False]
    assert result.score.tolist() == pytest.approx([1.0, 0.5 / 3, 1 / 3])
    reason = crit("housing_wishes").evaluate(hh, table, 1).reason
    assert "ne correspond pas à la typologie souhaitée (T3)" in reason and "contraire" in reason


def test_housing_wishes_neutral_without_wishes():
    table = offers({"rooms": 5})
    assert assess("housing_wishes", household(), table).score.tolist() == [1.0]
    assert "Aucun souhait" in crit("housing_wishes").evaluate(household(), table, 0).reason


# --- Location ----------------------------------------------------------------------------------------


def test_location_scores_by_rank():
    hh = household(wish_communes=(10, 20, 30), wish_commune_names=("Lille", "Roubaix", "Tourcoing"))
    table = offers(
        {"commune_id": 10}, {"commune_id": 20}, {"commune_id": 30}, {"commune_id": 40, "commune_name": "Lens"}
    )
    assert assess("location", hh, table).score.tolist() == pytest.approx([1.0, 2 / 3, 1 / 3, 0.0])
    assert "souhait n°2 sur 3" in crit("location").evaluate(hh, table, 1).reason
    assert "Lens ne fait pas partie des communes souhaitées (Lille, Roubaix, Tourcoing)" in (
        crit("location").evaluate(hh, table, 3).reason
    )


def test_location_neutral_without_wishes():
    table = offers({})
    assert assess("location", household(), table).score.tolist() == [0.5]
    assert "aucun souhait" in crit("location").evaluate(household(), table, 0).reason


# --- Residual rent -----------------------------------------------------------------------------------


def test_residual_rent_hard_above_the_stated_maximum():
    hh = household(max_residual_rent=300.0, rac_before=250.0, monthly_resources=1500.0)
    table = offers({}, {}, {})
    result = assess("residual_rent", hh, table, rac(250, 300, 300.01))
    assert result.excluded.tolist() == [False, False, True]
    verdict = crit("residual_rent").evaluate(hh, table, 2, rac=300.01)
    assert verdict.excluded and "au-dessus du maximum" in verdict.reason
    assert "300,01" in verdict.reason and "avant : 250,00" in verdict.reason


def test_residual_rent_score_from_before_situation_and_effort_rate():
    hh = household(rac_before=200.0, monthly_resources=1000.0)
    table = offers({}, {}, {}, {})
    # 200 €: no increase (1), effort 20 % (1). 250 €: +50 € of 100 € tolerance (0.5), 25 % (2/3).
    # 300 €: +100 € (0), 30 % (1/3). Unknown: neutral.
    result = assess("residual_rent", hh, table, rac(200, 250, 300, np.nan))
    assert result.score.tolist() == pytest.approx([1.0, (0.5 + 2 / 3) / 2, (0 + 1 / 3) / 2, 0.5])
    assert not result.excluded.any()
    assert "taux d'effort 25,0" in crit("residual_rent").evaluate(hh, table, 1, rac=250).reason
    assert "non calculé" in crit("residual_rent").evaluate(hh, table, 3).reason


def test_residual_rent_generic_reason_hides_amounts():
    reason = crit("residual_rent").generic_reason(True, 0.0)
    assert "€" not in reason and "bloquant" in reason


# --- Accessibility and floor ------------------------------------------------------------------------


def test_accessibility_required_for_reduced_mobility():
    table = offers({"accessible": True}, {"accessible": False})
    assert assess("accessibility", household(reduced_mobility=True), table).excluded.tolist() == [False, True]
    assert assess("accessibility", household(), table).excluded.tolist() == [False, False]
    assert (
        "non accessible" in crit("accessibility").evaluate(household(reduced_mobility=True), table, 1).reason
    )
    assert crit("accessibility").prefilter(household()) is None


def test_floor_and_lift():
    table = offers(
        {"floor": 0},
        {"floor": 3, "has_lift": True},
        {"floor": 2, "has_lift": False},
        {"floor": 5, "has_lift": True},
    )
    needs = household(needs_ground_floor_or_lift=True)
    assert assess("floor_lift", needs, table).excluded.tolist() == [False, False, True, False]
    assert assess("floor_lift", household(needs_lift=True), table).excluded.tolist() == [
        False,
        False,
        True,
        False,
    ]
    capped = household(max_floor=3)
    assert assess("floor_lift", capped, table).excluded.tolist() == [False, False, False, True]
    assert "rez-de-chaussée ou d'un ascenseur" in crit("floor_lift").evaluate(needs, table, 2).reason
    assert "étage maximal souhaité (3)" in crit("floor_lift").evaluate(capped, table, 3).reason
    assert "pas de contrainte" in crit("floor_lift").evaluate(household(), table, 0).reason


# --- Availability ------------------------------------------------------------------------------------


def test_availability_excludes_offers_after_the_demolition():
    demolition = TODAY + dt.timedelta(days=100)
    hh = household(demolition_date=demolition)
    table = offers(
        {"available_from": TODAY - dt.timedelta(days=10)},
        {"available_from": TODAY + dt.timedelta(days=50)},
        {"available_from": demolition + dt.timedelta(days=1)},
    )
    result = assess("availability", hh, table)
    assert result.excluded.tolist() == [False, False, True]
    assert result.score.tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert "après la démolition prévue" in crit("availability").evaluate(hh, table, 2).reason
    assert "dès maintenant" in crit("availability").evaluate(hh, table, 0).reason


def test_availability_without_demolition_date_uses_one_year():
    table = offers({"available_from": TODAY + dt.timedelta(days=365 // 2)})
    result = assess("availability", household(), table)
    assert not result.excluded.any()
    assert result.score[0] == pytest.approx(1 - 182 / 365)


# --- Project objectives ------------------------------------------------------------------------------


def test_objectives_new_housing_and_outside_qpv():
    table = offers(
        {"commissioning": TODAY - dt.timedelta(days=365 * 2), "in_qpv": False},
        {"commissioning": dt.date(2010, 1, 1), "in_qpv": False},
        {"commissioning": None, "in_qpv": True},
    )
    assert assess("anru_objectives", household(), table).score.tolist() == [1.0, 0.5, 0.0]
    assert "hors QPV" in crit("anru_objectives").evaluate(household(), table, 0).reason
    assert "plus de 5 ans, en QPV" in crit("anru_objectives").evaluate(household(), table, 2).reason


# --- Aggregation and explanation ---------------------------------------------------------------------


def test_scores_and_explanations_agree():
    hh = household(
        adults=2, children=2, wish_communes=(10,), wish_commune_names=("Lille",), max_residual_rent=400.0
    )
    table = offers(
        {"rooms": 3, "living_area": 70},
        {"rooms": 3, "living_area": 20},  # overcrowded
        {"rooms": 4, "living_area": 80, "commune_id": 20, "commune_name": "Roubaix"},
    )
    weights = registry.default_weights()
    provider = constant_rac(350)
    scores = score_offers(hh, table, weights=weights, rac_provider=provider)
    assert scores.excluded.tolist() == [False, True, False]
    assert scores.excluded_by["overcrowding"].tolist() == [False, True, False]
    for i in range(len(table)):
        verdicts = explain_offer(hh, table, i, weights=weights, rac_provider=provider)
        assert len(verdicts) == len(registry.all_criteria())  # every criterion answers
        assert any(v.excluded for v in verdicts) == scores.excluded[i]
        assert total_of(verdicts) == pytest.approx(scores.total[i])
    assert scores.total[0] > scores.total[2]  # wished commune first


def test_residual_rent_is_computed_only_for_offers_passing_other_hard_criteria():
    seen = []

    def provider(hh, table, indices):
        seen.append(list(indices))
        return np.full(len(indices), 100.0)

    table = offers({"living_area": 70}, {"living_area": 5})
    scores = score_offers(household(), table, weights=registry.default_weights(), rac_provider=provider)
    assert seen == [[0]]
    assert np.isnan(scores.rac[1])


def test_zero_weights_give_full_score():
    table = offers({})
    scores = score_offers(
        household(),
        table,
        weights=dict.fromkeys(registry.default_weights(), 0.0),
        rac_provider=constant_rac(1),
    )
    assert scores.total.tolist() == [1.0]


# --- Rooms ------------------------------------------------------------------------------------------


def test_rooms_fit_penalises_missing_rooms():
    from relogement.matching.criteria.rooms import needed_rooms

    assert [needed_rooms(p) for p in (1, 2, 3, 5, 9)] == [1, 1, 2, 4, 5]
    hh = household(adults=2, children=3)  # 5 persons: 4 rooms expected
    table = offers({"rooms": 2}, {"rooms": 3}, {"rooms": 4}, {"rooms": 6})
    result = assess("rooms_fit", hh, table)
    assert not result.excluded.any()
    assert result.score.tolist() == [0.0, 0.5, 1.0, 1.0]
    assert "2 de moins que les 4 attendues" in crit("rooms_fit").evaluate(hh, table, 0).reason
    assert "suffisant (au moins 4)" in crit("rooms_fit").evaluate(hh, table, 2).reason


@pytest.mark.parametrize(
    ("fields", "rac_before", "aid_before"),
    [
        ({}, 420 + 80 - 210 - 40, 250.0),
        ({"rls_before": None}, 420 + 80 - 210, 210.0),
        ({"apl_before": None}, None, None),
        ({"charges_before": None}, None, 250.0),
        ({"rent_before": None}, None, 250.0),
    ],
)
def test_residual_rent_before_follows_indicators_rule(db, fields, rac_before, aid_before):
    """INDICATORS.md: an empty RLS counts as 0; an empty rent, charges or APL: not computable."""
    from relogement.households.models import Household
    from relogement.matching.context import household_context, household_contexts
    from tests import factories

    household = factories.HouseholdFactory(**fields)
    hh = household_context(household)
    assert (hh.rac_before, hh.aid_before) == (rac_before, aid_before)
    bulk = household_contexts(Household.objects.filter(pk=household.pk))[0]
    assert (bulk.rac_before, bulk.aid_before) == (rac_before, aid_before)
