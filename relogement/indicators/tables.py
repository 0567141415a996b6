"""Tables of the dashboard: one structure rendered on screen, in the PDF and in the exports.

Cells know their kind (count, share, euros…) so that the screen formats them the French way while the
exports keep the exact number; a hidden cell (secret statistique) reads "< 5" everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from relogement.core.formatting import format_euros, format_number, format_percent
from relogement.indicators import registry
from relogement.permissions.secrecy import HIDDEN_LABEL

TEXT = "text"


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
        return self.kind != TEXT


@dataclass
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def text(value) -> Cell:
    return Cell(value, TEXT)
