"""From a household file to the benefit profile: persons, their situations and their incomes.

The file records the members (relation, birth date, professional situation) and the resources by
kind, for the household as a whole (a resource line names no member). The housing-benefit rules need
each person's own incomes: allowances are per person, and a job seeker's or a parent on parental
leave's income is neutralised or reduced. So each resource line is given to the members whose
situation fits its kind (salaries to the employed, unemployment benefits to job seekers…), and every
guess where the file is silent becomes a French sentence in ``HouseholdProfile.assumptions``: a
result with assumptions is shown as an estimate, with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from relogement.core.formatting import format_euros

ZERO = Decimal("0")
CENT = Decimal("0.01")

# Which member situations hold which kind of resource (households.EmploymentSituation values).
HOLDERS = {
    "salaire": ("salarie", "independant"),
    "chomage": ("demandeur_emploi",),
    "retraite": ("retraite",),
    "aah": ("handicap",),
    "pension_alimentaire": (),  # received by the applicant (the parent with the children)
}
ATTRIBUTE = {
    "salaire": "salary",
    "chomage": "unemployment",
    "retraite": "pension",
    "aah": "aah",
    "pension_alimentaire": "alimony",
}
KIND_LABELS = {
    "salaire": "Salaires",
    "chomage": "Allocations chômage",
    "retraite": "Pensions de retraite",
    "aah": "AAH / invalidité",
    "pension_alimentaire": "Pension alimentaire",
}
HOLDER_LABELS = {  # "aucun adulte n'est …", "entre 2 adultes …"
    "salaire": ("salarié ou indépendant", "salariés ou indépendants"),
    "chomage": ("demandeur d'emploi", "demandeurs d'emploi"),
    "retraite": ("retraité", "retraités"),
    "aah": ("en situation de handicap", "en situation de handicap"),
}
# A child of the file is a dependant of the couple's tax household below this age; older, an adult
# with their own (the CAF rules then decide from age and resources whether they are a dependant).
ADULT_CHILD_AGE = 21


@dataclass
class _Member:
    role: str
    age: int
    situation: str
    name: str  # for the assumptions: "la personne de référence", "le conjoint", "un enfant (19 ans)"…


def _age(birth: date, month: date) -> int:
    return month.year - birth.year - ((month.month, month.day) < (birth.month, birth.day))


def _birth_date(member) -> date | None:
    """The member's birth date, read for an age the rules need and that no page shows.

    A birth date is a named field: read through its attribute during a request, it logs a read of the
    household's file (``audit.reads``). An age computed for the engine shows nothing of the member, so
    the date is read as stored; through the attribute, the allocation plan (which computes every
    household of its perimeter) would log reads of hundreds of files no one opened. A page that shows
    the date reads the attribute itself, and is logged.
    """
    stored = member.__dict__
    return stored["birth_date"] if "birth_date" in stored else member.birth_date


def _members(household, month: date, assumptions: list[str], engine) -> list[_Member]:
    from relogement.households.models import Relation

    members = sorted(household.members.all(), key=lambda m: (m.relation != Relation.REFERENCE, m.pk or 0))
    people: list[_Member] = []
    unknown_ages = []
    for member in members:
        birth = _birth_date(member)
        age = _age(birth, month) if birth else None
        if member.relation == Relation.REFERENCE and not any(p.role == "reference" for p in people):
            role, name = "reference", "la personne de référence"
        elif member.relation == Relation.SPOUSE and not any(p.role == "spouse" for p in people):
            role, name = "spouse", "le conjoint ou la conjointe"
        elif member.relation == Relation.CHILD and (age is None or age < ADULT_CHILD_AGE):
            role, name = "child", "un enfant"
        elif member.relation == Relation.CHILD:
            role, name = "other", f"un enfant majeur ({age} ans)"
        elif member.relation == Relation.PARENT:
            role, name = "other", "un ascendant"
        else:
            role, name = "other", "un autre adulte"
        if (
            age is None
            or (role == "child" and not 0 <= age <= 25)
            or (role != "child" and not 16 <= age <= 120)
        ):
            age = engine.DEFAULT_CHILD_AGE if role == "child" else engine.ADULT_AGE
            unknown_ages.append(f"{name} ({age} ans supposés)")
        people.append(_Member(role, age, member.employment or "", name))
    first_adult = next((p for p in people if p.role != "child"), None)
    if first_adult is not None and first_adult.role != "reference":
        # No member is recorded as the reference person: the first adult applies.
        people.remove(first_adult)
        people.insert(0, replace(first_adult, role="reference", name="la personne de référence"))
        assumptions.append("Personne de référence non renseignée : le premier adulte des membres est retenu.")
    adults = sum(1 for p in people if p.role != "child")
    children = sum(1 for p in people if p.role == "child")
    # Every household has an applicant, even a file describing only its children.
    missing_adults = max((household.adults_count or 1) - adults, 0 if adults else 1)
    missing_children = max((household.children_count or 0) - children, 0)
    for _ in range(missing_adults):
        if not any(p.role == "reference" for p in people):
            role, name = "reference", "la personne de référence"
        elif not any(p.role == "spouse" for p in people):
            role, name = "spouse", "le conjoint ou la conjointe"
        else:
            role, name = "other", "un adulte"
        people.insert(0 if role == "reference" else len(people), _Member(role, engine.ADULT_AGE, "", name))
    people += [_Member("child", engine.DEFAULT_CHILD_AGE, "", "un enfant")] * missing_children
    if missing_adults or missing_children:
        described = "Aucun membre n'est décrit" if not members else "Tous les membres ne sont pas décrits"
        parts = []
        if missing_adults:
            parts.append(
                f"{missing_adults} adulte{'s' if missing_adults > 1 else ''} de {engine.ADULT_AGE} ans"
            )
        if missing_children:
            parts.append(
                f"{missing_children} enfant{'s' if missing_children > 1 else ''} de {engine.DEFAULT_CHILD_AGE} ans"
            )
        assumptions.append(f"{described} : {' et '.join(parts)} d'après la composition du dossier.")
    if unknown_ages:
        assumptions.append("Date de naissance non renseignée pour " + ", ".join(unknown_ages) + ".")
    return people


def _split(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` parts to the cent, the first taking the remainder."""
    share = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [total - share * (count - 1)] + [share] * (count - 1)


def _attribute(people: list[_Member], totals: dict[str, Decimal], assumptions: list[str]) -> list[dict]:
    """Each person's incomes by kind, and the assumptions the attribution rests on."""
    incomes = [dict.fromkeys(ATTRIBUTE.values(), ZERO) for _ in people]
    adults = [i for i, p in enumerate(people) if p.role != "child"]
    several = len(adults) > 1
    for kind, attribute in ATTRIBUTE.items():
        amount = totals.get(kind, ZERO)
        if not amount:
            continue
        holders = [i for i in adults if people[i].situation in HOLDERS[kind]]
        label = f"{KIND_LABELS[kind]} ({format_euros(amount)} par mois)"
        if kind == "pension_alimentaire" or not holders:
            holders = [0]
            if several and kind != "pension_alimentaire":
                assumptions.append(
                    f"{label} attribués à la personne de référence : aucun adulte n'est {HOLDER_LABELS[kind][0]}."
                )
            elif several:
                assumptions.append(f"{label} attribuée à la personne de référence.")
        elif len(holders) > 1:
            assumptions.append(
                f"{label} répartis à parts égales entre {len(holders)} adultes {HOLDER_LABELS[kind][1]} : "
                "la part de chacun n'est pas renseignée."
            )
        for index, part in zip(holders, _split(amount, len(holders)), strict=True):
            incomes[index][attribute] += part
    return incomes


def household_profile(household, *, month: date | None = None):
    """The benefit profile of a household (``engine.profile_for_household``)."""
    from relogement.benefits import engine

    month = engine.normalise_month(month)
    assumptions: list[str] = []
    lines = list(household.resources.all())
    totals: dict[str, Decimal] = {}
    if lines:
        for line in lines:
            totals[line.kind] = totals.get(line.kind, ZERO) + (line.monthly_amount or ZERO)
        resources = sum((line.monthly_amount or ZERO for line in lines), ZERO)
    else:
        totals["salaire"] = household.monthly_resources or ZERO
        resources = household.monthly_resources
        if household.monthly_resources:
            assumptions.append(
                "Ressources non détaillées : les ressources mensuelles du dossier sont traitées comme des salaires."
            )
        elif household.monthly_resources is None:
            # Unknown is not nil (as for the APL before): the figure is an estimate on no resources.
            assumptions.append(
                "Ressources non renseignées : le calcul suppose que le ménage n'a aucune ressource."
            )
    people = _members(household, month, assumptions, engine)
    incomes = _attribute(people, totals, assumptions)
    _situation_assumptions(people, incomes, totals, assumptions)
    persons = tuple(
        engine.Person(role=p.role, age=p.age, situation=p.situation, **income)
        for p, income in zip(people, incomes, strict=True)
    )
    return engine.HouseholdProfile(
        persons,
        monthly_minimum_income=totals.get("rsa", ZERO),
        monthly_resources=resources,
        assumptions=tuple(assumptions),
    )


def _situation_assumptions(
    people: Sequence[_Member], incomes: Sequence[dict], totals: dict, assumptions: list[str]
) -> None:
    """What the rules need to know about situations and the file does not say."""
    adults = [(p, income) for p, income in zip(people, incomes, strict=True) if p.role != "child"]
    unknown = [p.name for p, _ in adults if not p.situation or p.situation == "autre"]
    if unknown:
        assumptions.append(
            "Situation professionnelle non renseignée pour "
            + ", ".join(unknown)
            + " : ni chômage, ni retraite, ni congé parental, ni études pris en compte."
        )
    jobseekers = [(p, income) for p, income in adults if p.situation == "demandeur_emploi"]
    if jobseekers:
        assumptions.append(
            "Demandeur d'emploi depuis plus de deux mois (date d'inscription non renseignée)"
            + (
                " ; allocations chômage supposées d'aide au retour à l'emploi (ARE), sans ASS."
                if any(income["unemployment"] for _, income in jobseekers)
                else "."
            )
        )
    if any(p.situation == "independant" for p, _ in adults) and totals.get("salaire"):
        assumptions.append("Revenus d'indépendant traités comme des salaires des douze derniers mois.")
    if people and people[0].situation == "etudiant":
        assumptions.append("Demandeur étudiant : bourse d'études non renseignée, supposée absente.")
    if totals.get("autre"):
        assumptions.append(
            f"Ressources « Autres » ({format_euros(totals['autre'])} par mois) non prises en compte : "
            "leur nature n'est pas renseignée."
        )
