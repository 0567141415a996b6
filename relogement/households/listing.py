"""The columns of household lists, shared by the page and its XLSX/CSV exports (same fields on both).

Like the workbook the field used to keep (issue 18, point 3): the user chooses the columns among the
file's fields (``cols`` in the query string), sorts on any of them (``sort=<key>`` or ``sort=-<key>``)
and exports exactly what is shown. Which columns a user may choose depends on their role only: names
or pseudonyms, resources and costs before rehousing, next steps, contacts of the support log (a social
note: its holder only).

Each column names one ``source``: a ``values_list`` path of the household (exports read tuples), or the
name of an ``annotation`` computed in SQL (last contact, number of proposals, next due date…). The page
reads the same path on its 50 model instances, and both convert the raw value the same way
(``convert``), so the page and its exports cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from relogement.core.formatting import format_euros, format_number
from relogement.core.spreadsheet import FORMULA_TRIGGERS, QUOTE, csv_field, csv_text
from relogement.households.statuses import HouseholdStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    source: str  # values_list path, or the name of ``annotation``
    kind: str = "text"  # text, int, money, date
    default: bool = True  # shown when the user has not chosen columns
    annotation: Callable | None = None  # (today, user) → expression named ``source``
    convert: Callable | None = None  # raw value → the value shown and exported (status label…)
    # Sort terms in the column's natural direction: (path or annotation, descending?). Default: source.
    order: tuple[tuple[str, bool], ...] = ()

    def sort_terms(self) -> tuple[tuple[str, bool], ...]:
        return self.order or ((self.source, False),)

    def value(self, household):
        """The raw value read from a model instance (the page), as ``values_list`` gives it."""
        value = household
        for part in self.source.split("__"):
            try:
                value = getattr(value, part)
            except AttributeError:  # no wishes row yet (reverse one-to-one)
                return None
            if value is None:
                return None
        return value


_STATUS_LABELS = {code: str(label) for code, label in HouseholdStatus.choices}


def _status_label(code):
    # A dict built once: ``HouseholdStatus.choices`` is rebuilt on every access, which cost a quarter
    # of a 36,000-row export.
    return _STATUS_LABELS.get(code, code)


def _joined(values):
    return ", ".join(str(v) for v in values) if values else ""


def _residual_before(today, user):
    """Rent + charges − APL − RLS of the dwelling before rehousing (the household's residual rent
    today: ``matching.residual_rent.estimated_residual_rent``); unknown without a rent."""
    zero = Value(Decimal("0"))
    return ExpressionWrapper(
        F("rent_before")
        + Coalesce(F("charges_before"), zero)
        - Coalesce(F("apl_before"), zero)
        - Coalesce(F("rls_before"), zero),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )


def _next_due(today, user):
    from relogement.households.models import NextStep

    return Subquery(
        NextStep.objects.filter(household=OuterRef("pk"), done_on__isnull=True)
        .order_by()
        .values("household")
        .annotate(d=Min("due_date"))
        .values("d")
    )


def _last_contact(today, user):
    """The latest entry of the support log that the user's organisation holds (a social note: never
    another provider's, even on a household handed over without its file)."""
    from relogement.households.models import SupportLogEntry

    org = organisation_of(user)
    return Subquery(
        SupportLogEntry.objects.filter(household=OuterRef("pk"), holder_id=org.pk if org else None)
        .order_by()
        .values("household")
        .annotate(d=Max("date"))
        .values("d")
    )


def _proposals(today, user):
    from relogement.offers.models import Proposal

    return Coalesce(
        Subquery(
            Proposal.objects.filter(household=OuterRef("pk"))
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
    )


def _overdue(today, user):
    from relogement.households.selectors import _overdue_count

    return _overdue_count(today)


def _first_wished_commune(today, user):
    from relogement.households.models import WishedLocation

    return Subquery(
        WishedLocation.objects.filter(wishes__household=OuterRef("pk"))
        .order_by("rank")
        .values("commune__name")[:1]
    )


def available_columns(user) -> list[Column]:
    """Every column the user may show, in the list's order."""
    named = predicates.can_view_named_data(user)
    resources = predicates.can_list_resources(user)
    steps = predicates.can_list_next_steps(user)
    columns = [
        Column("reference", "Référence", "reference"),
        Column("name", "Nom", "reference_name") if named else Column("pseudonym", "Pseudonyme", "pseudonym"),
        Column("project", "Projet", "project__name"),
        Column("building", "Bâtiment", "building__reference"),
        Column("commune", "Commune", "building__commune__name"),
        Column("status", "Statut", "status", convert=_status_label),
        Column("adults", "Adultes", "adults_count", "int"),
        Column("children", "Enfants", "children_count", "int"),
    ]
    if resources:
        columns.append(
            Column(
                "resources",
                "Ressources mensuelles",
                "monthly_resources",
                "money",
                order=(("monthly_resources", False), ("reference", False)),
            )
        )
        columns.append(
            Column(
                "residual_before",
                "Reste à charge avant",
                "residual_before",
                "money",
                default=False,
                annotation=_residual_before,
            )
        )
    columns.append(
        Column(
            "referent",
            "Référent",
            "referent_id",
            order=(("referent__last_name", False), ("referent__first_name", False)),
        )
    )
    columns.append(Column("provider", "Prestataire social", "social_provider__name", default=False))
    if steps:
        columns.append(
            Column(
                "overdue",
                "Étapes en retard",
                "overdue_steps",
                "int",
                annotation=_overdue,
                # Most overdue first: « sort=overdue » (the list's sort since the beginning).
                order=(("overdue_steps", True), ("reference", False)),
            )
        )
        columns.append(
            Column("next_due", "Prochaine échéance", "next_due", "date", default=False, annotation=_next_due)
        )
    if predicates.can_list_support_contacts(user):
        columns.append(
            Column(
                "last_contact",
                "Dernier contact",
                "last_contact",
                "date",
                default=False,
                annotation=_last_contact,
            )
        )
    columns += [
        Column("proposals", "Propositions", "proposal_count", "int", default=False, annotation=_proposals),
        Column(
            "wish_types",
            "Typologies souhaitées",
            "wishes__dwelling_types",
            default=False,
            convert=_joined,
        ),
        Column(
            "wish_commune",
            "Commune souhaitée (1er choix)",
            "wished_commune",
            default=False,
            annotation=_first_wished_commune,
        ),
        Column(
            "wish_rent",
            "Reste à charge maximal souhaité",
            "wishes__max_residual_rent",
            "money",
            default=False,
        ),
        Column("census_date", "Recensement", "census_date", "date"),
    ]
    return columns


def columns_for(user, keys: Iterable[str] | None = None) -> list[Column]:
    """The columns shown: those chosen among the available ones (unknown or forbidden keys ignored),
    the reference always first; the default set when none is chosen."""
    available = available_columns(user)
    wanted = {k for k in (keys or []) if k}
    chosen = [c for c in available if c.key in wanted or c.key == "reference"]
    if len(chosen) <= 1:
        return [c for c in available if c.default]
    return chosen


# --- Sorting ----------------------------------------------------------------------------------------

# Sort keys of the first lists, kept for links and bookmarks: key → (column key, reversed?).
LEGACY_SORTS = {"census": ("census_date", False), "-census": ("census_date", True)}
# Not a column: the size of the household, largest first.
PERSONS = "persons"


def sort_choices(user) -> dict[str, str]:
    """Every sort the user may ask for: each available column both ways (a restricted column is not
    sortable either: the order would reveal it)."""
    choices = {}
    for column in available_columns(user):
        choices[column.key] = (
            f"{column.label} (croissant)" if column.key != "overdue" else f"{column.label} (le plus d'abord)"
        )
        choices["-" + column.key] = (
            f"{column.label} (décroissant)"
            if column.key != "overdue"
            else f"{column.label} (le moins d'abord)"
        )
    choices[PERSONS] = "Taille du ménage"
    for key in LEGACY_SORTS:
        choices[key] = "Recensement (ancien d'abord)" if key == "census" else "Recensement (récent d'abord)"
    return choices


def sort_column(user, sort: str) -> tuple[Column | None, bool]:
    """The column a sort key names and whether it is reversed; (None, False) for « persons »."""
    if sort in LEGACY_SORTS:
        key, reverse = LEGACY_SORTS[sort]
    else:
        key, reverse = sort.removeprefix("-"), sort.startswith("-")
    for column in available_columns(user):
        if column.key == key:
            return column, reverse
    return None, False


# --- Values -----------------------------------------------------------------------------------------


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


# The first characters after which ``csv_text`` may change a text.
_QUOTABLE = FORMULA_TRIGGERS | {QUOTE}


def csv_value(value, kind: str = "") -> str:
    """The value in a CSV cell: no thousands separator, decimal comma (French spreadsheets); text that
    a spreadsheet would run as a formula is quoted (``core.spreadsheet.csv_text``). The same result as
    ``core.spreadsheet.csv_field(value, _csv_format)``, dispatched on the exact type first: an export
    writes it for every cell (36,000 rows × a dozen columns for a project office)."""
    if value is None:
        return ""
    kind_of = type(value)
    if kind_of is str:
        return csv_text(value) if value and value[0] in _QUOTABLE else value
    if kind_of is Decimal:
        return f"{value:.2f}".replace(".", ",")
    if kind_of is dt.date:
        return f"{value.day:02d}/{value.month:02d}/{value.year}"  # as strftime("%d/%m/%Y")
    if kind_of is int:
        return str(value)
    return csv_field(value, _csv_format)  # anything else (a subclass: datetime, bool…) as before


def converters(columns: list[Column], referents: dict[int, str]) -> list[Callable | None]:
    out = []
    for column in columns:
        if column.source == "referent_id":
            out.append(lambda pk: referents.get(pk, "") if pk else "")
        else:
            out.append(column.convert)
    return out


def values(columns: list[Column], rows: Iterable, referents: dict[int, str]) -> Iterator[list]:
    """Each row's values in column order, from ``values_list`` tuples (the household id first)."""
    convert = converters(columns, referents)
    for row in rows:
        yield [value if f is None else f(value) for f, value in zip(convert, row[1:], strict=True)]


def screen_rows(columns: list[Column], households: Iterable) -> list[dict]:
    households = list(households)
    referents = {h.referent_id: str(h.referent) for h in households if h.referent_id}
    convert = converters(columns, referents)
    rows = []
    for household in households:
        raw = [c.value(household) for c in columns]
        cells = [value if f is None else f(value) for f, value in zip(convert, raw, strict=True)]
        rows.append(
            {
                "household": household,
                "cells": [display(v, c.kind) for c, v in zip(columns, cells, strict=True)],
            }
        )
    return rows


def table_body(rows: list[dict], *, selectable: bool) -> str:
    """The rows of the list's table written in Python (50 rows × up to 20 cells: through the template
    engine, cell by cell, they were most of the page's time). Every value is escaped."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    # One reverse() for the page, not one per row: a marker id replaced by each household's.
    marker = "987654321"
    detail = reverse("households:detail", args=[int(marker)])
    lines = []
    for row in rows:
        household = row["household"]
        box = (
            format_html(
                '<td><input type="checkbox" class="form-check-input bulk-box" name="households" value="{}" '
                'form="bulk-form" aria-label="Sélectionner {}"></td>',
                household.pk,
                household.reference,
            )
            if selectable
            else ""
        )
        first, *others = row["cells"]
        lines.append(
            format_html(
                '<tr>{}<th scope="row"><a href="{}">{}</a></th>{}</tr>',
                box,
                detail.replace(marker, str(household.pk)),
                first,
                format_html_join("", "<td>{}</td>", ((cell,) for cell in others)),
            )
        )
    return mark_safe("\n".join(lines))  # each line built by format_html: every value escaped
