"""From benefit profiles to openfisca-france simulations, built from arrays, in two stages.

The engine simulates a household many times at once (one copy per rent, dwelling kind and APL zone,
and sometimes many households together). Two things make that fast without changing any value:

- **Arrays, not dictionaries.** openfisca's dictionary input parses every value in Python, which costs
  more than computing; here the entities and inputs are declared as numpy arrays (the same values a
  dictionary gives: ``tests/benefits`` compares the engine with a dictionary-built situation).
- **What does not depend on the rent is computed once.** Most of the benefit (the household's
  resources over the rolling year, its dependants, the rent ceiling of its zone…) does not depend on
  the rent. Stage 1 (``household_values``) simulates each household once per dwelling (commune or
  zone, stock kind) with every input; stage 2 (``simulate_rents``) builds the copies (one per rent)
  with only the entities, the rent, and the stage-1 values of the variables the rent-dependent
  formulas read (the *frontier*), which openfisca then takes as inputs instead of recomputing them.
  The frontier is found by tracing one simulation (``rent_dependency``): a variable depends on the
  rent if ``loyer`` is among its dependencies. A guard checks after every stage-2 run that openfisca
  computed nothing outside the rent-dependent part (a variable it would have computed from missing
  inputs), so a new openfisca-france version that reads another variable fails loudly, not silently.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from relogement.benefits.stock import StockKind

# openfisca's default for a date: "never".
NO_DATE = date(9999, 12, 31)


def shift_months(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def birth_date(month: date, age_years: int) -> date:
    # Six months past the birthday: the age is the same in every month around the simulated one.
    return shift_months(month, -(12 * age_years + 6))


def income_months(month: date) -> list[str]:
    """Every month from January of year N-2 to M: the rolling past year (M-13 to M-2) of the housing
    benefit, the previous calendar year (alimony) and the fiscal year N-2 that some checks read."""
    return [f"{shift_months(month, -delta):%Y-%m}" for delta in range(0, 24 + month.month)]


@dataclass(frozen=True)
class SimPerson:
    """One person as openfisca sees them (built by the engine from a profile)."""

    # "reference" and "spouse" (the couple: famille parents, tax declarants), "child" (famille child,
    # dependant of the couple's tax household), "other" (famille child, own tax household).
    role: str
    age: int
    # openfisca TypesActivite (actif, chomeur, etudiant, retraite, inactif); inactif is its default.
    activity: str = "inactif"
    parental_leave: bool = False
    unemployment_start: date | None = None
    salary: float = 0.0
    pension: float = 0.0
    unemployment: float = 0.0
    alimony: float = 0.0
    aah: float = 0.0


@dataclass(frozen=True)
class SimHousehold:
    persons: tuple[SimPerson, ...]
    minimum_income: float = 0.0  # RSA received by the famille (neutralises activity income)


@dataclass(frozen=True)
class Dwelling:
    """Where a copy lives: commune, APL zone (None: openfisca derives it from the commune), stock kind."""

    insee_code: str
    zone: int | None
    stock: str


# Where each person sits in openfisca's entities.
FAMILLE_ROLES = {"reference": "demandeur", "spouse": "conjoint", "child": "enfant", "other": "enfant"}
MENAGE_ROLES = {
    "reference": "personne_de_reference",
    "spouse": "conjoint",
    "child": "enfant",
    "other": "autre",
}

# Individual monthly inputs (the person's amounts), entered for every income month.
PERSON_INCOMES = (
    ("salaire_imposable", "salary"),
    ("retraite_imposable", "pension"),
    ("chomage_imposable", "unemployment"),
    ("pensions_alimentaires_percues", "alimony"),
    ("aah", "aah"),
)

# Occupancy status of each stock kind (openfisca TypesStatutOccupationLogement), and whether the
# dwelling is conventioned (APL rather than AL).
STATUS = {
    StockKind.SOCIAL: "locataire_hlm",
    StockKind.PRIVATE_UNFURNISHED: "locataire_vide",
    StockKind.PRIVATE_FURNISHED: "locataire_meuble",
    StockKind.FOYER: "locataire_foyer",
}
CONVENTIONED = {
    StockKind.SOCIAL: True,
    StockKind.PRIVATE_UNFURNISHED: False,
    StockKind.PRIVATE_FURNISHED: False,
    # Résidences sociales are conventioned (APL-foyer); openfisca gives a foyer no RLS.
    StockKind.FOYER: True,
}

OUTPUTS = (
    "aide_logement_montant",
    "aide_logement_montant_brut_crds",
    "crds_logement",
    "reduction_loyer_solidarite",
    "aide_logement_ressources_apres_abattement",
)


def openfisca_rent(stock: str, rent: float, charges: float) -> float:
    """The ``loyer`` openfisca reads: in a foyer the fee (redevance) includes the charges."""
    return rent + charges if stock == StockKind.FOYER else rent


# --- Entities -------------------------------------------------------------------------------------


def _tax_households(persons: Sequence[SimPerson]) -> tuple[list[int], list[str], int]:
    """Foyer fiscal of each person within one copy: the couple with its dependent children, each
    other adult alone. Returns (foyer index, role, number of foyers)."""
    foyer_of, roles, foyers, declarants = [], [], 1, 0
    for person in persons:
        if person.role in ("reference", "spouse"):
            foyer_of.append(0)
            roles.append("declarant_principal" if declarants == 0 else "conjoint")
            declarants += 1
        elif person.role == "child":
            foyer_of.append(0)
            roles.append("personne_a_charge")
        else:
            foyer_of.append(foyers)
            roles.append("declarant_principal")
            foyers += 1
    return foyer_of, roles, foyers


@dataclass
class _Layout:
    """Entity sizes of each group of copies, to cut stage-1 results and repeat them in stage 2."""

    persons: np.ndarray  # persons per copy, per group
    foyers: np.ndarray  # tax households per copy, per group
    counts: np.ndarray  # copies per group

    def copy_index(self, sizes: np.ndarray) -> np.ndarray:
        """For an entity with ``sizes[g]`` members per copy of group ``g``: the position of each
        member of each copy in the concatenation of one copy per group (what stage 1 computes)."""
        blocks = sizes * self.counts
        total = int(blocks.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        group = np.repeat(np.arange(len(sizes)), blocks)
        block_start = np.concatenate(([0], np.cumsum(blocks)[:-1]))
        local = (np.arange(total) - block_start[group]) % np.maximum(sizes[group], 1)
        return np.concatenate(([0], np.cumsum(sizes)[:-1]))[group] + local


# Role indices into openfisca's flattened roles (join_with_persons takes integers, faster than names).
FAMILLE_ROLE_INDEX = {"demandeur": 0, "conjoint": 1, "enfant": 2}
FOYER_ROLE_INDEX = {"declarant_principal": 0, "conjoint": 1, "personne_a_charge": 2}
MENAGE_ROLE_INDEX = {"personne_de_reference": 0, "conjoint": 1, "enfant": 2, "autre": 3}


@lru_cache(maxsize=4096)
def _shape(household: SimHousehold) -> tuple:
    """One copy's layout: famille, foyer and ménage role indices, foyer of each person, foyers."""
    foyer_of, foyer_roles, foyers = _tax_households(household.persons)
    return (
        np.array([FAMILLE_ROLE_INDEX[FAMILLE_ROLES[p.role]] for p in household.persons]),
        np.array([FOYER_ROLE_INDEX[r] for r in foyer_roles]),
        np.array([MENAGE_ROLE_INDEX[MENAGE_ROLES[p.role]] for p in household.persons]),
        np.array(foyer_of),
        foyers,
    )


def _declare(tax_benefit_system, groups: Sequence[tuple[SimHousehold, int]]):
    """A simulation whose entities hold ``count`` copies of each household (no input set)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    shapes = [_shape(household) for household, _ in groups]
    layout = _Layout(
        persons=np.array([len(h.persons) for h, _ in groups], dtype=np.int64),
        foyers=np.array([shape[4] for shape in shapes], dtype=np.int64),
        counts=np.array([count for _, count in groups], dtype=np.int64),
    )
    person_at = layout.copy_index(layout.persons)  # index into the one-copy-per-group persons
    famille_roles = np.concatenate([shape[0] for shape in shapes])[person_at]
    foyer_roles = np.concatenate([shape[1] for shape in shapes])[person_at]
    menage_roles = np.concatenate([shape[2] for shape in shapes])[person_at]
    local_foyer = np.concatenate([shape[3] for shape in shapes])[person_at]
    copies = int(layout.counts.sum())
    # The copy each person belongs to, and the first foyer of that copy.
    copy_of = np.repeat(np.arange(copies), np.repeat(layout.persons, layout.counts))
    foyers_per_copy = np.repeat(layout.foyers, layout.counts)
    first_foyer = np.concatenate(([0], np.cumsum(foyers_per_copy)[:-1]))
    builder = SimulationBuilder()
    builder.create_entities(tax_benefit_system)
    builder.declare_person_entity("individu", np.arange(len(copy_of)))
    famille = builder.declare_entity("famille", np.arange(copies))
    builder.join_with_persons(famille, copy_of, famille_roles)
    foyer = builder.declare_entity("foyer_fiscal", np.arange(int(foyers_per_copy.sum())))
    builder.join_with_persons(foyer, first_foyer[copy_of] + local_foyer, foyer_roles)
    menage = builder.declare_entity("menage", np.arange(copies))
    # A ménage holds the same persons as the famille.
    builder.join_with_persons(menage, copy_of, menage_roles)
    return builder.build(tax_benefit_system), layout


def _encoded(tax_benefit_system, variable: str, names):
    return tax_benefit_system.variables[variable].possible_values.encode(np.asarray(names))


def _set_dwellings(tax_benefit_system, simulation, dwellings: Sequence[Dwelling], rents, period: str):
    simulation.set_input("loyer", period, np.asarray(rents, dtype=np.float64))
    simulation.set_input("depcom", period, np.array([d.insee_code for d in dwellings]))
    simulation.set_input(
        "statut_occupation_logement",
        period,
        _encoded(tax_benefit_system, "statut_occupation_logement", [STATUS[d.stock] for d in dwellings]),
    )
    simulation.set_input(
        "logement_conventionne", period, np.array([CONVENTIONED[d.stock] for d in dwellings], dtype=bool)
    )
    known = [d.zone is not None for d in dwellings]
    if all(known):
        simulation.set_input(
            "zone_apl",
            period,
            _encoded(tax_benefit_system, "zone_apl", [f"zone_{d.zone}" for d in dwellings]),
        )
    elif any(known):
        raise ValueError("A simulation mixes communes with and without a known APL zone.")


def full_simulation(
    tax_benefit_system, units: Sequence[tuple[SimHousehold, Dwelling, float]], *, month: date
):
    """Stage 1: one copy per (household, dwelling, rent), every input set."""
    simulation, layout = _declare(tax_benefit_system, [(household, 1) for household, _, _ in units])
    period = f"{month:%Y-%m}"
    persons = [p for household, _, _ in units for p in household.persons]
    births = np.array([birth_date(month, p.age) for p in persons], dtype="datetime64[D]")
    simulation.set_input("date_naissance", "ETERNITY", births)
    starts = np.array([p.unemployment_start or NO_DATE for p in persons], dtype="datetime64[D]")
    simulation.set_input("date_debut_chomage", "ETERNITY", starts)
    # Enums encoded once (openfisca would encode the strings again for every month).
    activity = _encoded(tax_benefit_system, "activite", [p.activity for p in persons])
    leave = _encoded(
        tax_benefit_system,
        "type_conges",
        ["conge_parental" if p.parental_leave else "non_renseigne" for p in persons],
    )
    incomes = {
        variable: np.array([getattr(p, attribute) for p in persons], dtype=np.float64)
        for variable, attribute in PERSON_INCOMES
    }
    zero = np.zeros(len(persons))
    rsa = np.array([household.minimum_income for household, _, _ in units], dtype=np.float64)
    for m in income_months(month):
        simulation.set_input("activite", m, activity)
        simulation.set_input("type_conges", m, leave)
        for variable, values in incomes.items():
            simulation.set_input(variable, m, values)
        # Declared rather than re-simulated: the household's own figures are what counts, and
        # openfisca's RSA and ASS computations are slow.
        simulation.set_input("ass", m, zero)
        simulation.set_input("rsa", m, rsa)
    simulation.set_input("boursier", period, np.zeros(len(persons), dtype=bool))
    _set_dwellings(
        tax_benefit_system, simulation, [d for _, d, _ in units], [rent for _, _, rent in units], period
    )
    return simulation, layout


# --- The rent-dependent part ----------------------------------------------------------------------

_dependency: dict[str, tuple[frozenset, frozenset]] = {}
_dependency_lock = threading.Lock()


def rent_dependency(tax_benefit_system, month: date) -> tuple[frozenset, frozenset]:
    """(rent-dependent (variable, period) pairs, frontier pairs) for the outputs, found by tracing.

    Formulas are vectorised (every branch is computed for every entity), so which variables a
    formula reads does not depend on the values; it may depend on the month (formulas change with
    the law), hence one trace per month. The probe holds every role and every stock kind.
    """
    key = f"{month:%Y-%m}"
    with _dependency_lock:
        if key in _dependency:
            return _dependency[key]
    probe = SimHousehold(
        (
            SimPerson("reference", 40, activity="actif", salary=1000.0),
            SimPerson("spouse", 38, activity="chomeur", unemployment=400.0),
            SimPerson("child", 10),
            SimPerson("other", 70, activity="retraite", pension=700.0),
        ),
        minimum_income=0.0,
    )
    units = [(probe, Dwelling("59350", 2, stock), 400.0) for stock in StockKind.values]
    simulation, _ = full_simulation(tax_benefit_system, units, month=month)
    simulation.trace = True
    for output in OUTPUTS:
        simulation.calculate(output, key)
    children: dict[tuple[str, str], set] = {}

    def walk(node) -> tuple[str, str]:
        pair = (node.name, str(node.period))
        below = children.setdefault(pair, set())
        below.update(walk(child) for child in node.children)
        return pair

    for tree in simulation.tracer.trees:
        walk(tree)
    depends: dict[tuple[str, str], bool] = {}

    def on_rent(pair) -> bool:
        if pair not in depends:
            depends[pair] = False  # no cycles in openfisca, but stay safe
            depends[pair] = pair[0] == "loyer" or any(on_rent(child) for child in children[pair])
        return depends[pair]

    for pair in children:
        on_rent(pair)
    dependent = frozenset(pair for pair, value in depends.items() if value)
    frontier = frozenset(
        child for pair in dependent for child in children[pair] if not depends[child] and child[0] != "loyer"
    )
    with _dependency_lock:
        _dependency[key] = (dependent, frontier)
    return dependent, frontier


def household_values(
    tax_benefit_system, units: Sequence[tuple[SimHousehold, Dwelling]], *, month: date
) -> list[dict[tuple[str, str], np.ndarray]]:
    """Stage 1: the frontier values of each (household, dwelling), cut per entity of one copy."""
    _, frontier = rent_dependency(tax_benefit_system, month)
    simulation, layout = full_simulation(tax_benefit_system, [(h, d, 0.0) for h, d in units], month=month)
    person_start = np.concatenate(([0], np.cumsum(layout.persons)))
    foyer_start = np.concatenate(([0], np.cumsum(layout.foyers)))
    values: list[dict] = [{} for _ in units]
    for name, period in frontier:
        array = np.asarray(simulation.calculate(name, period))
        entity = tax_benefit_system.variables[name].entity.key
        for index, unit_values in enumerate(values):
            if entity == "individu":
                part = array[person_start[index] : person_start[index + 1]]
            elif entity == "foyer_fiscal":
                part = array[foyer_start[index] : foyer_start[index + 1]]
            else:
                part = array[index : index + 1]
            unit_values[(name, period)] = part.copy()
    return values


def simulate_rents(
    tax_benefit_system,
    items: Sequence[tuple[SimHousehold, Dwelling, dict, np.ndarray]],
    *,
    month: date,
) -> dict[str, np.ndarray]:
    """Stage 2: each (household, dwelling, stage-1 values, openfisca rents) copied once per rent.

    Returns the outputs, one value per copy, in the order of the items and their rents.
    """
    dependent, frontier = rent_dependency(tax_benefit_system, month)
    period = f"{month:%Y-%m}"
    simulation, layout = _declare(
        tax_benefit_system, [(household, len(rents)) for household, _, _, rents in items]
    )
    simulation.set_input(
        "loyer", period, np.concatenate([np.asarray(r, dtype=np.float64) for *_, r in items])
    )
    # Each stage-1 value is repeated for every copy of its item: one index per entity, then one take
    # per variable.
    ones = np.ones(len(items), dtype=np.int64)
    index = {
        "individu": layout.copy_index(layout.persons),
        "foyer_fiscal": layout.copy_index(layout.foyers),
        "famille": layout.copy_index(ones),
        "menage": layout.copy_index(ones),
    }
    for pair in frontier:
        entity = tax_benefit_system.variables[pair[0]].entity.key
        stacked = np.concatenate([values[pair] for _, _, values, _ in items])
        simulation.set_input(pair[0], pair[1], stacked[index[entity]])
    outputs = {name: np.asarray(simulation.calculate(name, period), dtype=np.float64) for name in OUTPUTS}
    _check_nothing_else(simulation, dependent | frontier | {("loyer", period)})
    return outputs


def _check_nothing_else(simulation, allowed) -> None:
    # Variables defined for all time are stored under ETERNITY whatever period they were asked for.
    timeless = {name for name, _ in allowed}
    for population in simulation.populations.values():
        for name, holder in population._holders.items():
            eternal = holder.variable.definition_period == "eternity"
            for known in holder.get_known_periods():
                if (name, str(known)) not in allowed and not (eternal and name in timeless):
                    raise RuntimeError(
                        f"openfisca computed {name} for {known} outside the rent-dependent part: "
                        "the engine's two-stage simulation no longer matches this openfisca-france."
                    )
