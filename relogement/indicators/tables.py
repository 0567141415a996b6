"""Tables of the dashboard: one structure rendered on screen, in the PDF and in the exports.

Cells know their kind (count, share, euros…) so that the screen formats them the French way while the
exports keep the exact number; a hidden cell (secret statistique) reads "< 5" everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from relogement.core.formatting import format_date, format_euros, format_number, format_percent
from relogement.indicators import registry
from relogement.permissions.secrecy import HIDDEN_LABEL

TEXT = "text"
DATE = "date"
MONTH = "month"
# Durations (unit « jours ») of 90 days or more read in whole months: "26 mois", not "802,50 jours".
MONTHS_FROM_DAYS = 90
DAYS_PER_MONTH = 30.4375


def duration(days) -> tuple[str, str]:
    """A duration in days as (whole number, unit): whole days below 90 days, else whole months."""
    days = float(days)
    if days < MONTHS_FROM_DAYS:
        n = round(days)
        return format_number(n), "jour" if n <= 1 else "jours"
    return format_number(round(days / DAYS_PER_MONTH)), "mois"


@dataclass
class Cell:
    value: object = None
    kind: str = TEXT
    hidden: bool = False
    link: str = ""
    unit: str = ""

    @property
    def display(self) -> str:
        if self.hidden:
            return HIDDEN_LABEL
        if self.kind == TEXT:
            return "" if self.value is None else str(self.value)
        if self.value is None:
            return "—"
        if self.kind == DATE:
            return format_date(self.value)
        if self.kind == MONTH:
            return f"{self.value.month:02d}/{self.value.year}"
        if self.unit == "jours":
            return "\u00a0".join(duration(self.value))
        if self.kind == registry.COUNT:
            return format_number(self.value)
        if self.kind == registry.SHARE:
            return format_percent(self.value)
        if self.kind == registry.EUROS:
            return format_euros(self.value)
        text = format_number(self.value, 2)
        return f"{text}\u00a0{self.unit}" if self.unit else text

    @property
    def export_value(self):
        """The exact value for spreadsheets: numbers stay numbers (shares as fractions)."""
        if self.hidden:
            return HIDDEN_LABEL
        if isinstance(self.value, Decimal):
            return float(self.value)
        return self.value

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, DATE, MONTH)

    @property
    def sort_key(self):
        """For sorting the rows of a table on this column (None and hidden last)."""
        if self.hidden or self.value is None:
            return (1, 0)
        return (0, self.value if self.kind != TEXT else str(self.value).casefold())


@dataclass
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def text(value) -> Cell:
    return Cell(value, TEXT)
