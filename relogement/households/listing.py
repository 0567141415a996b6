"""The columns of household lists, shared by the page and its XLSX/CSV exports (same fields on both).

Which columns a user gets depends on their role only: names or pseudonyms, resources, overdue steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from relogement.core.formatting import format_euros, format_number
from relogement.core.spreadsheet import csv_field
from relogement.permissions import predicates


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable  # household → raw value (str, int, Decimal, date or None)
    kind: str = "text"  # text, int, money, date
    # What exports read instead of a model instance (``values_list`` path): the same raw value, except
    # "status" (the code: ``exports`` shows its label) and "referent_id" (``exports`` shows the user).
    source: str = ""


def columns_for(user) -> list[Column]:
    named = predicates.can_view_named_data(user)
    columns = [
        Column("reference", "Référence", lambda h: h.reference, source="reference"),
        Column("name", "Nom", lambda h: h.reference_name, source="reference_name")
        if named
        else Column("pseudonym", "Pseudonyme", lambda h: h.pseudonym, source="pseudonym"),
        Column("project", "Projet", lambda h: h.project.name, source="project__name"),
        Column("building", "Bâtiment", lambda h: h.building.reference, source="building__reference"),
        Column("commune", "Commune", lambda h: h.building.commune.name, source="building__commune__name"),
        Column("status", "Statut", lambda h: h.get_status_display(), source="status"),
        Column("adults", "Adultes", lambda h: h.adults_count, "int", source="adults_count"),
        Column("children", "Enfants", lambda h: h.children_count, "int", source="children_count"),
    ]
    if predicates.can_list_resources(user):
        columns.append(
            Column(
                "resources",
                "Ressources mensuelles",
                lambda h: h.monthly_resources,
                "money",
                source="monthly_resources",
            )
        )
    columns.append(
        Column(
            "referent", "Référent", lambda h: str(h.referent) if h.referent_id else "", source="referent_id"
        )
    )
    if predicates.can_list_next_steps(user):
        columns.append(
            Column("overdue", "Étapes en retard", lambda h: h.overdue_steps, "int", source="overdue_steps")
        )
    columns.append(
        Column("census_date", "Recensement", lambda h: h.census_date, "date", source="census_date")
    )
    return columns


def display(value, kind: str) -> str:
    """The value as shown on screen (French formats)."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return format_euros(value)
    if kind == "int":
        return format_number(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _csv_format(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_value(value, kind: str) -> str:
    """The value in a CSV cell: no thousands separator, decimal comma (French spreadsheets); text that
    a spreadsheet would run as a formula is quoted (``core.spreadsheet.csv_field``)."""
    return csv_field(value, _csv_format)


def screen_rows(columns: list[Column], households: Iterable) -> list[dict]:
    return [{"household": h, "cells": [display(c.value(h), c.kind) for c in columns]} for h in households]
