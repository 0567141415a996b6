"""Simulation cases typed by people (command line, CSV file): parsing with French errors, batch computing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from relogement.benefits import engine
from relogement.benefits.stock import StockKind
from relogement.core.errors import DomainError

CSV_COLUMNS = (
    "commune",
    "adults",
    "children",
    "taxable_income",
    "rent",
    "charges",
    "social_housing",
    "month",
)


@dataclass(frozen=True)
class RentCase:
    insee_code: str
    profile: engine.HouseholdProfile
    rent: Decimal
    charges: Decimal
    month: date
    stock: str


def parse_int(value, label: str, *, minimum: int, maximum: int) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        raise DomainError(f"{label} : valeur manquante.")
    try:
        number = int(text)
    except ValueError:
        raise DomainError(f"{label} : nombre entier attendu (« {text} »).") from None
    if not minimum <= number <= maximum:
        raise DomainError(f"{label} : valeur comprise entre {minimum} et {maximum} attendue.")
    return number


def parse_amount(value, label: str, *, default: Decimal | None = None) -> Decimal:
    text = str(value if value is not None else "").strip().replace("\u00a0", "").replace(" ", "")
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


def parse_case(values: Mapping[str, object]) -> RentCase:
    """Check one case (values as typed) and the commune; raises DomainError with a French message."""
    commune = str(values.get("commune") or "").strip()
    if not commune:
        raise DomainError("Commune : code INSEE manquant.")
    adults = parse_int(values.get("adults"), "Adultes", minimum=1, maximum=engine.MAX_ADULTS)
    children = parse_int(values.get("children"), "Enfants", minimum=0, maximum=engine.MAX_CHILDREN)
    income = parse_amount(values.get("taxable_income"), "Revenu imposable mensuel")
    rent = parse_amount(values.get("rent"), "Loyer")
    charges = parse_amount(values.get("charges"), "Charges", default=Decimal("0"))
    social = values.get("social_housing")
    if isinstance(social, bool):
        social_housing = social
    else:
        text = str(social if social is not None else "").strip()
        if text not in {"0", "1"}:
            raise DomainError(f"Logement social : 1 ou 0 attendu (« {text} »).")
        social_housing = text == "1"
    month_text = str(values.get("month") or "").strip()
    month = engine.parse_month(month_text) if month_text else engine.DEFAULT_MONTH
    profile = engine.HouseholdProfile.simple(adults, children, income)
    engine.check_profile(profile)
    engine.commune_zone(commune)  # unknown commune: refused before anything is computed
    stock = StockKind.SOCIAL if social_housing else StockKind.PRIVATE_UNFURNISHED
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
