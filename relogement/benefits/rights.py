"""Access to rights: what a household may be entitled to and does not declare, estimated by openfisca.

The social provider's daily work: RSA, prime d'activité, and the housing benefit itself for a household
that declares none. From the same profile as the residual rents (members, situations, incomes), one
openfisca run computes the RSA and the prime d'activité of the applicant's famille; the engine computes
the housing benefit of the current dwelling. A right is *potential* when the estimate is positive and
the file declares none. These are estimates to check with the CAF, never decisions (docs/benefits.md).
Disability benefits are out of scope.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from relogement.benefits import engine, situation
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError
from relogement.core.formatting import format_euros

CENT = Decimal("0.01")
ZERO = Decimal("0")
# openfisca's RSA computation is slow (about a second): the checks of the last households are kept.
CACHE_SIZE = 512

RSA_RULE = (
    "RSA : montant forfaitaire selon la composition du foyer (couple et enfants de moins de 25 ans), "
    "moins les ressources des trois derniers mois et le forfait logement."
)
PPA_RULE = (
    "Prime d'activité : montant forfaitaire selon la composition, plus 61 % des revenus d'activité et "
    "les bonifications individuelles, moins les ressources et le forfait logement."
)
APL_RULE = "Aide au logement du logement actuel : loyer et charges d'avant relogement, commune et composition du ménage."


@dataclass(frozen=True)
class PotentialRight:
    label: str
    monthly_amount: Decimal
    rule: str
    why: str  # why it is flagged ("le dossier ne déclare pas de RSA")


@dataclass
class RightsCheck:
    month: date
    rights: list[PotentialRight] = field(default_factory=list)
    # What was checked and is already declared or nil, in plain words.
    checked: list[str] = field(default_factory=list)
    assumptions: tuple[str, ...] = ()
    error: str = ""


def _money(value) -> Decimal:
    return Decimal(str(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _famille_situation(profile: engine.HouseholdProfile, *, month: date, housing_benefit: Decimal) -> dict:
    """The applicant's famille for the RSA and the prime d'activité: the couple and the children of the
    file under 21 (other adults are their own RSA households). Net incomes are taken as the taxable
    ones (the difference, the non-deductible CSG and CRDS, is about 3 %)."""
    months = situation.income_months(month)
    individus, parents, children = {}, [], []
    household = engine.sim_household(profile, month=month)
    for index, person in enumerate(household.persons):
        if person.role == "other":
            continue
        name = f"p{index}"
        record = {
            "date_naissance": {"ETERNITY": situation.birth_date(month, person.age).isoformat()},
            "activite": dict.fromkeys(months, person.activity),
            "salaire_imposable": dict.fromkeys(months, person.salary),
            "retraite_imposable": dict.fromkeys(months, person.pension),
            "chomage_imposable": dict.fromkeys(months, person.unemployment),
            "pensions_alimentaires_percues": dict.fromkeys(months, person.alimony),
            "aah": dict.fromkeys(months, person.aah),
            "ass": dict.fromkeys(months, 0.0),
        }
        if person.unemployment_start is not None:
            record["date_debut_chomage"] = {"ETERNITY": person.unemployment_start.isoformat()}
        if person.parental_leave:
            record["type_conges"] = dict.fromkeys(months, "conge_parental")
        individus[name] = record
        (parents if person.role in ("reference", "spouse") else children).append(name)
    return {
        "individus": individus,
        "familles": {
            "famille": {
                "parents": parents,
                "enfants": children,
                # The housing benefit received (declared, or the one the household may claim): the RSA
                # and the prime d'activité deduct a housing allowance from it.
                "aide_logement": dict.fromkeys(months, float(housing_benefit)),
            }
        },
        "foyers_fiscaux": {"foyer": {"declarants": parents, "personnes_a_charge": children}},
        "menages": {
            "menage": {"personne_de_reference": parents[:1], "conjoint": parents[1:], "enfants": children}
        },
    }


_cache: OrderedDict[tuple, tuple[Decimal, Decimal]] = OrderedDict()
_lock = threading.Lock()


def rsa_and_activity_bonus(profile: engine.HouseholdProfile, *, month: date, housing_benefit: Decimal):
    """(RSA, prime d'activité) of the applicant's famille for the month, simulated by openfisca."""
    from openfisca_core.simulation_builder import SimulationBuilder

    key = (engine.sim_household(profile, month=month), housing_benefit, month)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    simulation = SimulationBuilder().build_from_entities(
        engine.tax_benefit_system(), _famille_situation(profile, month=month, housing_benefit=housing_benefit)
    )
    period = f"{month:%Y-%m}"
    values = (
        _money(simulation.calculate("rsa", period)[0]),
        _money(simulation.calculate("ppa", period)[0]),
    )
    with _lock:
        _cache[key] = values
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return values


def potential_rights(household, *, month: date | None = None) -> RightsCheck:
    """What the household may be entitled to and does not declare (see the module's docstring)."""
    month = engine.normalise_month(month)
    check = RightsCheck(month=month)
    try:
        profile = engine.profile_for_household(household, month=month)
        engine.check_profile(profile)
    except DomainError as error:
        check.error = f"Vérification impossible : {error.message}"
        return check
    check.assumptions = profile.assumptions
    declared_apl = household.apl_before
    housing_benefit = declared_apl or ZERO
    if not declared_apl and household.rent_before is not None:
        try:
            current = engine.compute_benefits(
                profile=profile,
                insee_code=household.building.commune.insee_code,
                rent=household.rent_before,
                charges=household.charges_before or ZERO,
                # The dwellings of renewal sites are social housing.
                stock=StockKind.SOCIAL,
                month=month,
            )
        except DomainError as error:
            check.checked.append(f"Aide au logement non vérifiable : {error.message}")
        else:
            housing_benefit = current.apl
            if current.apl > 0:
                why = (
                    "le dossier ne renseigne pas d'APL"
                    if declared_apl is None
                    else "le dossier déclare une APL nulle"
                )
                check.rights.append(PotentialRight("Aide au logement (APL)", current.apl, APL_RULE, why))
            else:
                check.checked.append("Aide au logement : aucun droit estimé pour le loyer actuel.")
    elif declared_apl:
        check.checked.append(f"Aide au logement déclarée : {format_euros(declared_apl)} par mois.")
    else:
        check.checked.append("Aide au logement non vérifiable : loyer actuel non renseigné.")
    rsa, bonus = rsa_and_activity_bonus(profile, month=month, housing_benefit=housing_benefit)
    declared_rsa = profile.monthly_minimum_income
    if declared_rsa:
        check.checked.append(
            f"RSA déclaré : {format_euros(declared_rsa)} par mois (estimation : {format_euros(rsa)})."
        )
    elif rsa > 0:
        check.rights.append(PotentialRight("RSA", rsa, RSA_RULE, "le dossier ne déclare pas de RSA"))
    else:
        check.checked.append("RSA : aucun droit estimé.")
    if bonus > 0:
        others = any(line.kind == "autre" for line in household.resources.all())
        why = "le dossier ne la distingue pas" + (
            " (peut-être parmi les ressources « Autres »)"
            if others
            else " : aucune ressource ne peut la contenir"
        )
        check.rights.append(PotentialRight("Prime d'activité", bonus, PPA_RULE, why))
    else:
        check.checked.append("Prime d'activité : aucun droit estimé.")
    return check
