"""Domain checks shared by the household services; each raises DomainError with a French message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from relogement.core.errors import DomainError


def today() -> dt.date:
    return dt.date.today()


def not_in_future(value: dt.date | None, label: str) -> None:
    if value is not None and value > today():
        raise DomainError(f"{label} ne peut pas être dans le futur ({value:%d/%m/%Y}).")


def not_negative(value: Decimal | int | None, label: str) -> None:
    if value is not None and value < 0:
        raise DomainError(f"{label} ne peut pas être négatif.")


def positive(value: Decimal | int | None, label: str) -> None:
    if value is not None and value <= 0:
        raise DomainError(f"{label} doit être strictement positif.")


def in_range(value: int | None, low: int, high: int, label: str) -> None:
    if value is not None and not (low <= value <= high):
        raise DomainError(f"{label} doit être compris entre {low} et {high}.")


def required_text(value: str | None, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"{label} est obligatoire.")
    return value


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
