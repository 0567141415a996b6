"""openfisca-france run directly on a full situation, written independently of the engine.

A plain dictionary situation (``SimulationBuilder.build_from_entities``): one household per case, no
axes, no two stages, no curve, no cache, the APL zone left to openfisca's own commune table. The CAF
placement rules are written here again from docs/benefits.md (couple = famille parents and tax
declarants, children under 21 = famille children and tax dependants, other adults = famille children
with their own tax household), so that a mistake in the engine's array building shows up as a
difference.
"""

from __future__ import annotations

from datetime import date

MONTH = date(2026, 11, 1)

STATUS = {
    "social": ("locataire_hlm", True),
    "prive_vide": ("locataire_vide", False),
    "prive_meuble": ("locataire_meuble", False),
    "foyer": ("locataire_foyer", True),
}
ACTIVITE = {
    "salarie": "actif",
    "independant": "actif",
    "demandeur_emploi": "chomeur",
    "retraite": "retraite",
    "etudiant": "etudiant",
    "conge_parental": "actif",
}


def months_back(month: date, count: int) -> list[str]:
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(f"{year:04d}-{number:02d}")
        number -= 1
        if number == 0:
            year, number = year - 1, 12
    return months


def _birth(month: date, age: int) -> str:
    total = month.year * 12 + month.month - 1 - (12 * age + 6)
    return f"{total // 12:04d}-{total % 12 + 1:02d}-01"


def reference(cases: list[dict], month: date = MONTH) -> list[tuple[float, float]]:
    """(aide_logement_montant, reduction_loyer_solidarite) for each case.

    Case: ``persons`` (dicts: role reference/spouse/child/other, age, situation, salary, pension,
    unemployment, alimony, aah, monthly and stable since January of year N-2), ``rsa`` (received by the
    famille), ``rent``, ``charges``, ``commune``, ``stock``.
    """
    from openfisca_core.simulation_builder import SimulationBuilder

    from relogement.benefits import engine

    period = f"{month:%Y-%m}"
    months = months_back(month, 24 + month.month)
    unemployed_since = months_back(month, 13)[-1] + "-01"
    situation = {"individus": {}, "familles": {}, "foyers_fiscaux": {}, "menages": {}}
    for n, case in enumerate(cases):
        names = {"reference": [], "spouse": [], "child": [], "other": []}
        for i, person in enumerate(case["persons"]):
            name = f"c{n}p{i}"
            names[person["role"]].append(name)
            situation_code = person.get("situation", "")
            individu = {
                "date_naissance": {"ETERNITY": _birth(month, person["age"])},
                "boursier": {period: False},
                "activite": dict.fromkeys(months, ACTIVITE.get(situation_code, "inactif")),
                "ass": dict.fromkeys(months, 0.0),
            }
            for variable, key in (
                ("salaire_imposable", "salary"),
                ("retraite_imposable", "pension"),
                ("chomage_imposable", "unemployment"),
                ("pensions_alimentaires_percues", "alimony"),
                ("aah", "aah"),
            ):
                individu[variable] = dict.fromkeys(months, float(person.get(key, 0)))
            if situation_code == "demandeur_emploi":
                individu["date_debut_chomage"] = {"ETERNITY": unemployed_since}
            if situation_code == "conge_parental":
                individu["type_conges"] = dict.fromkeys(months, "conge_parental")
            situation["individus"][name] = individu
        couple = names["reference"] + names["spouse"]
        situation["familles"][f"f{n}"] = {
            "parents": couple,
            "enfants": names["child"] + names["other"],
            "rsa": dict.fromkeys(months, float(case.get("rsa", 0))),
        }
        situation["foyers_fiscaux"][f"ff{n}"] = {"declarants": couple, "personnes_a_charge": names["child"]}
        for k, other in enumerate(names["other"]):
            situation["foyers_fiscaux"][f"ff{n}o{k}"] = {"declarants": [other]}
        status, conventioned = STATUS[case["stock"]]
        rent = float(case["rent"]) + (float(case.get("charges", 0)) if case["stock"] == "foyer" else 0.0)
        situation["menages"][f"m{n}"] = {
            "personne_de_reference": names["reference"],
            "conjoint": names["spouse"],
            "enfants": names["child"],
            "autres": names["other"],
            "loyer": {period: rent},
            "depcom": {period: case["commune"]},
            "statut_occupation_logement": {period: status},
            "logement_conventionne": {period: conventioned},
        }
    simulation = SimulationBuilder().build_from_entities(engine.tax_benefit_system(), situation)
    apl = simulation.calculate("aide_logement_montant", period)
    rls = simulation.calculate("reduction_loyer_solidarite", period)
    return [(float(a), round(float(r), 2)) for a, r in zip(apl, rls, strict=True)]


def persons_of(profile) -> list[dict]:
    """A profile's persons as the plain dicts ``reference`` reads."""
    return [
        {
            "role": p.role,
            "age": p.age,
            "situation": p.situation,
            "salary": p.salary,
            "pension": p.pension,
            "unemployment": p.unemployment,
            "alimony": p.alimony,
            "aah": p.aah,
        }
        for p in profile.persons
    ]
