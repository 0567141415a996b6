"""The header row of a sheet: where the format's columns are, and what is wrong with it.

The readers decide with it whether a sheet's rows are worth reading (a header missing a required column
or naming one twice stops the import before any row is examined); the importer reports its issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from relogement.exchange.columns import COLUMNS


@dataclass(frozen=True)
class HeaderIssue:
    title: str  # the column as written (or the missing column's name)
    value: str
    message: str
    error: bool


@dataclass
class Header:
    positions: dict[str, int] = field(default_factory=dict)  # column name → index in the header row
    issues: list[HeaderIssue] = field(default_factory=list)  # in the order of the report

    @property
    def usable(self) -> bool:
        return not any(issue.error for issue in self.issues)


def read_header(sheet: str, titles: list[str]) -> Header:
    columns = {c.name: c for c in COLUMNS[sheet]}
    header = Header()
    for index, title in enumerate(titles):
        key = title.strip().lower()
        if not key:
            continue
        if key in header.positions:
            header.issues.append(HeaderIssue(title, title, "colonne en double", error=True))
        elif key not in columns:
            header.issues.append(HeaderIssue(title, title, "colonne inconnue, ignorée", error=False))
        else:
            header.positions[key] = index
    for column in columns.values():
        if column.required and column.name not in header.positions:
            header.issues.append(HeaderIssue(column.name, "", "colonne obligatoire absente", error=True))
    return header
