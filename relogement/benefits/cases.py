"""Simulation cases typed by people (command line, CSV file, simulator page): parsing with French
errors, the profile they describe, batch computing.

A case describes the household in one of two ways:

- **simple**: ``adults`` and ``taxable_income`` (the whole monthly taxable income, declared by the
  first adult, as salaries);
- **detailed**: each adult ``N`` (1 to 8) with ``adultN_role`` (from the second adult: ``conjoint`` or
  ``autre``; by default the second adult is the spouse, the others are other adults),
  ``adultN_age``, ``adultN_situation`` (a member situation of the household file) and their monthly
  ``adultN_salary``, ``adultN_pension``, ``adultN_unemployment``, ``adultN_alimony``, ``adultN_aah``.

Both take ``children`` and optional ``children_ages`` (ages separated by spaces or semicolons),
``rsa`` (RSA received by the household), ``stock`` (stock kind of the dwelling), ``commune``, ``rent``,
``charges`` and ``month``. Column names and defaults: docs/benefits.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from relogement.benefits import engine
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError

# The CSV header must hold these; the other columns are optional.
CSV_REQUIRED = ("commune", "rent")
ADULT_FIELDS = ("role", "age", "situation", "salary", "pension", "unemployment", "alimony", "aah")
INCOME_FIELDS = {
    "salary": "Salaires",
    "pension": "Pensions de retraite",
    "unemployment": "Allocations chômage",
    "alimony": "Pension alimentaire",
    "aah": "AAH",
}
ROLES = {"conjoint": "spouse", "autre": "other"}
SITUATIONS = (
    "salarie",
    "independant",
    "demandeur_emploi",
    "retraite",
    "etudiant",
    "inactif",
    "conge_parental",
    "handicap",
    "autre",
)
CSV_COLUMNS = (
    "commune",
    "rent",
    "charges",
    "stock",
    "social_housing",
    "month",
    "adults",
    "taxable_income",
    "children",
    "children_ages",
    "rsa",
    *(f"adult{n}_{name}" for n in range(1, engine.MAX_ADULTS + 1) for name in ADULT_FIELDS),
)


@dataclass(frozen=True)
class RentCase:
    insee_code: str
    profile: engine.HouseholdProfile
    rent: Decimal
    charges: Decimal
    month: date
    stock: str


def _text(value) -> str:
    return str(value if value is not None else "").strip()


def parse_int(value, label: str, *, minimum: int, maximum: int, default: int | None = None) -> int:
    text = _text(value)
    if not text:
        if default is not None:
            return default
        raise DomainError(f"{label} : valeur manquante.")
    try:
        number = int(text)
    except ValueError:
        raise DomainError(f"{label} : nombre entier attendu (« {text} »).") from None
    if not minimum <= number <= maximum:
        raise DomainError(f"{label} : valeur comprise entre {minimum} et {maximum} attendue.")
    return number


def parse_amount(value, label: str, *, default: Decimal | None = None) -> Decimal:
    text = _text(value).replace("\u00a0", "").replace(" ", "")
    if not text:
        if default is not None:
            return default
        raise DomainError(f"{label} : valeur manquante.")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # French decimal comma
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"{label} : montant invalide (« {text} »).") from None
    if not amount.is_finite():
        raise DomainError(f"{label} : montant invalide (« {text} »).")
    if amount < 0:
        raise DomainError(f"{label} : le montant ne peut pas être négatif.")
    if amount > engine.MAX_AMOUNT:
        raise DomainError(f"{label} : montant trop élevé.")
    return amount


def parse_ages(value, children: int) -> list[int] | None:
    text = _text(value)
    if not text:
        return None
    parts = [part for part in re.split(r"[\s;|/]+", text) if part]
    ages = [parse_int(part, "Âges des enfants", minimum=0, maximum=25) for part in parts]
    if len(ages) != children:
        raise DomainError(f"Âges des enfants : {children} âge(s) attendu(s), {len(ages)} donné(s).")
    return ages


def parse_stock(values: Mapping[str, object]) -> str:
    """``stock``; else the former ``social_housing`` (1: social, 0: private unfurnished)."""
    text = _text(values.get("stock"))
    if text:
        if text not in StockKind.values:
            raise DomainError(f"Type de logement : {', '.join(StockKind.values)} attendu (« {text} »).")
        return text
    social = values.get("social_housing")
    if isinstance(social, bool):
        return StockKind.SOCIAL if social else StockKind.PRIVATE_UNFURNISHED
    social = _text(social)
    if social not in {"0", "1"}:
        raise DomainError(f"Type de logement : indiquez stock (ou social_housing 1 ou 0) (« {social} »).")
    return StockKind.SOCIAL if social == "1" else StockKind.PRIVATE_UNFURNISHED


def build_profile(
    *,
    adults: int | None,
    taxable_income: Decimal | None,
    detail: Sequence[Mapping] | None,
    children: int,
    children_ages: Sequence[int] | None,
    rsa: Decimal,
) -> engine.HouseholdProfile:
    """The profile of a typed case. ``detail``: one mapping per adult (typed values: role, age,
    situation and the income fields), the first one the applicant; without it, the simple form."""
    ages = tuple(children_ages) if children_ages is not None else (engine.DEFAULT_CHILD_AGE,) * children
    if not detail:
        if adults is None or taxable_income is None:
            raise DomainError(
                "Indiquez le nombre d'adultes et le revenu imposable mensuel, ou le détail par adulte."
            )
        return engine.HouseholdProfile.simple(
            adults, children, taxable_income, children_ages=ages, monthly_minimum_income=rsa
        )
    if adults is not None and adults != len(detail):
        raise DomainError(f"Adultes : {adults} annoncé(s), {len(detail)} décrit(s).")
    if taxable_income is not None:
        raise DomainError("Revenu imposable global et détail par adulte : indiquez l'un ou l'autre.")
    persons = []
    for number, adult in enumerate(detail, start=1):
        role = (
            "reference"
            if number == 1
            else ROLES[adult.get("role") or ("conjoint" if number == 2 else "autre")]
        )
        persons.append(
            engine.Person(
                role=role,
                age=adult.get("age") or engine.ADULT_AGE,
                situation=adult.get("situation") or "",
                **{name: adult.get(name) or Decimal("0") for name in INCOME_FIELDS},
            )
        )
    if sum(1 for person in persons if person.role == "spouse") > 1:
        raise DomainError("Un seul adulte peut être le conjoint ou la conjointe du premier.")
    persons += [engine.Person("child", age) for age in ages]
    return engine.HouseholdProfile(
        tuple(persons), monthly_minimum_income=rsa, assumptions=typed_assumptions(persons)
    )


def typed_assumptions(persons: Sequence[engine.Person]) -> tuple[str, ...]:
    """What the engine assumes of a typed situation (the same sentences as for a household file)."""
    jobseekers = [p for p in persons if p.situation == "demandeur_emploi"]
    if not jobseekers:
        return ()
    benefits = any(p.unemployment for p in jobseekers)
    return (
        "Demandeur d'emploi depuis plus de deux mois"
        + (
            " ; allocations chômage supposées d'aide au retour à l'emploi (ARE), sans ASS."
            if benefits
            else "."
        ),
    )


def _adult(values: Mapping[str, object], number: int) -> dict | None:
    """Adult ``number``'s typed values, or None when none of their columns is filled."""
    cells = {name: _text(values.get(f"adult{number}_{name}")) for name in ADULT_FIELDS}
    if not any(cells.values()):
        return None
    label = f"Adulte {number}"
    adult: dict = {}
    if cells["role"]:
        if number == 1:
            raise DomainError(
                f"{label} : le premier adulte est la personne de référence (pas de rôle à indiquer)."
            )
        if cells["role"] not in ROLES:
            raise DomainError(f"{label} : rôle conjoint ou autre attendu (« {cells['role']} »).")
        adult["role"] = cells["role"]
    if cells["age"]:
        adult["age"] = parse_int(cells["age"], f"{label}, âge", minimum=16, maximum=120)
    if cells["situation"]:
        if cells["situation"] not in SITUATIONS:
            raise DomainError(
                f"{label}, situation : {', '.join(SITUATIONS)} attendu (« {cells['situation']} »)."
            )
        adult["situation"] = cells["situation"]
    for name, income_label in INCOME_FIELDS.items():
        adult[name] = parse_amount(cells[name], f"{label}, {income_label.lower()}", default=Decimal("0"))
    return adult


def parse_detail(values: Mapping[str, object]) -> list[dict] | None:
    adults = {n: _adult(values, n) for n in range(1, engine.MAX_ADULTS + 1)}
    described = [n for n, adult in adults.items() if adult is not None]
    if not described:
        return None
    last = max(described)
    missing = [n for n in range(1, last + 1) if adults[n] is None]
    if missing:
        raise DomainError(f"Adulte {missing[0]} : non décrit alors que l'adulte {last} l'est.")
    return [adults[n] for n in range(1, last + 1)]


def parse_case(values: Mapping[str, object]) -> RentCase:
    """Check one case (values as typed) and the commune; raises DomainError with a French message."""
    commune = _text(values.get("commune"))
    if not commune:
        raise DomainError("Commune : code INSEE manquant.")
    detail = parse_detail(values)
    adults_text = _text(values.get("adults"))
    adults = (
        parse_int(adults_text, "Adultes", minimum=1, maximum=engine.MAX_ADULTS)
        if adults_text or detail is None
        else None
    )
    income_text = _text(values.get("taxable_income"))
    income = parse_amount(income_text, "Revenu imposable mensuel") if income_text or detail is None else None
    children = parse_int(values.get("children"), "Enfants", minimum=0, maximum=engine.MAX_CHILDREN, default=0)
    ages = parse_ages(values.get("children_ages"), children)
    rsa = parse_amount(values.get("rsa"), "RSA perçu", default=Decimal("0"))
    rent = parse_amount(values.get("rent"), "Loyer")
    charges = parse_amount(values.get("charges"), "Charges", default=Decimal("0"))
    stock = parse_stock(values)
    month_text = _text(values.get("month"))
    month = engine.parse_month(month_text) if month_text else engine.DEFAULT_MONTH
    profile = build_profile(
        adults=adults, taxable_income=income, detail=detail, children=children, children_ages=ages, rsa=rsa
    )
    engine.check_profile(profile)
    engine.commune_zone(commune)  # unknown commune: refused before anything is computed
    return RentCase(insee_code=commune, profile=profile, rent=rent, charges=charges, month=month, stock=stock)


def compute_cases(cases: Sequence[RentCase]) -> list[engine.BenefitResult]:
    """Results in the order of the cases; cases of the same household and month share their curves."""
    groups: dict[tuple, list[int]] = {}
    for index, case in enumerate(cases):
        groups.setdefault((case.profile, case.month), []).append(index)
    results: list = [None] * len(cases)
    for (profile, month), indexes in groups.items():
        computed = engine.compute_for_offers(
            profile=profile,
            offers=[(cases[i].insee_code, cases[i].rent, cases[i].charges, cases[i].stock) for i in indexes],
            month=month,
        )
        for index, result in zip(indexes, computed, strict=True):
            results[index] = result
    return results


def result_json(result: engine.BenefitResult) -> str:
    """One JSON object with numbers written with 2 decimals (4 for the effort rate)."""
    rate = "null" if result.effort_rate is None else f"{result.effort_rate:.4f}"
    return f'{{"apl": {result.apl:.2f}, "rls": {result.rls:.2f}, "rac": {result.rac:.2f}, "taux_effort": {rate}}}'
