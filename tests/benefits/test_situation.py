"""The two-stage, array-built simulations equal a full openfisca simulation of the same inputs."""

from datetime import date

import numpy as np
import pytest

from relogement.benefits import engine, situation
from relogement.benefits.situation import Dwelling, SimHousehold, SimPerson

MONTH = date(2026, 11, 1)
HOUSEHOLD = SimHousehold(
    (
        SimPerson("reference", 44, activity="actif", salary=650.0, alimony=120.0),
        SimPerson("spouse", 41, activity="chomeur", unemployment=300.0, unemployment_start=date(2025, 1, 1)),
        SimPerson("child", 4),
        SimPerson("child", 19, salary=300.0),
        SimPerson("other", 72, activity="retraite", pension=450.0),
    ),
    minimum_income=0.0,
)
DWELLINGS = [Dwelling("59350", zone, stock) for stock in situation.STATUS for zone in (2, 3)]


def test_stage_two_equals_the_full_simulation():
    tbs = engine.tax_benefit_system()
    rents = np.array([0.0, 180.0, 333.33, 452.37, 610.0, 1200.0])
    values = situation.household_values(tbs, [(HOUSEHOLD, d) for d in DWELLINGS], month=MONTH)
    staged = situation.simulate_rents(
        tbs, [(HOUSEHOLD, d, v, rents) for d, v in zip(DWELLINGS, values, strict=True)], month=MONTH
    )
    full, _ = situation.full_simulation(
        tbs, [(HOUSEHOLD, d, float(r)) for d in DWELLINGS for r in rents], month=MONTH
    )
    for name in situation.OUTPUTS:
        assert (
            staged[name].tolist() == np.asarray(full.calculate(name, f"{MONTH:%Y-%m}"), dtype=float).tolist()
        )
    apl = staged["aide_logement_montant"]
    assert apl.max() > 0 and (staged["reduction_loyer_solidarite"] > 0).any()


def test_an_unexpected_dependency_fails_loudly(monkeypatch):
    """A frontier missing a variable would let openfisca compute it from absent inputs: refused."""
    tbs = engine.tax_benefit_system()
    dependent, frontier = situation.rent_dependency(tbs, MONTH)
    missing = next(pair for pair in frontier if pair[0] == "aide_logement_base_ressources_individu")
    values = situation.household_values(tbs, [(HOUSEHOLD, DWELLINGS[0])], month=MONTH)[0]
    monkeypatch.setitem(situation._dependency, f"{MONTH:%Y-%m}", (dependent, frontier - {missing}))
    with pytest.raises(RuntimeError, match="outside the rent-dependent part"):
        situation.simulate_rents(tbs, [(HOUSEHOLD, DWELLINGS[0], values, np.array([400.0]))], month=MONTH)
