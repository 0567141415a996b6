"""The review of changes across households: who changed which table of which file, when, and which
fields — read from the django-simple-history tables of the registry's household tables.

Never the values: the reviewer (an administrator, ``can_review_changes``) has no household in its
scope, so the page shows references, pseudonyms, field names and the application's own change
reasons (a reason typed by a user, or one quoting a name, is shown through ``retention.clean_reason``:
« Membre ajouté : Nadia Martin » reads « Membre ajouté »).

All the history tables are read as one ``UNION ALL`` ordered by date, so a page costs one query and
its count another; the page's people, households and changed fields then cost a bounded number of
queries (two per kind of table on the page), whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.utils import timezone

from relogement.accounts.models import Membership
from relogement.dataprotection.registry import Table, history_tables, label_of
from relogement.households.models import Household
from relogement.households.retention import ERASED_REASON, clean_reason

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
TYPED_REASON = "motif saisi (non affiché)"


@dataclass(frozen=True)
class ChangeFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user_id: int | None = None
    organisation_id: int | None = None
    kind: str = ""  # a table's archive_name, or every table
    household: str = ""  # a reference or a pseudonym, exactly


@dataclass
class Change:
    at: dt.datetime
    kind: str
    action: str
    user: str
    organisations: str
    reference: str
    pseudonym: str
    project: str
    household_id: int | None
    fields: list[str]
    reason: str


def kinds() -> list[tuple[str, str]]:
    """The tables one may filter on: (archive name, French title)."""
    return [(table.archive_name, table.title) for table in history_tables()]


def _household_key(table: Table) -> str:
    return "id" if table.household_path == "pk" else table.household_path


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _component(table: Table, filters: ChangeFilters):
    key = _household_key(table)
    rows = table.history_model._default_manager.order_by()
    if filters.date_from:
        rows = rows.filter(history_date__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(history_date__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.user_id:
        rows = rows.filter(history_user_id=filters.user_id)
    if filters.organisation_id:
        members = Membership.objects.filter(organisation_id=filters.organisation_id).values("user_id")
        rows = rows.filter(history_user_id__in=members)
    if filters.household:
        households = Household.objects.filter(
            Q(reference__iexact=filters.household) | Q(pseudonym__iexact=filters.household)
        ).values("pk")
        rows = rows.filter(**{f"{key}__in": households})
    return rows.annotate(
        row_kind=Value(table.archive_name, output_field=CharField()), household_key=F(key)
    ).values(
        "history_id",
        "history_date",
        "history_user_id",
        "history_type",
        "history_change_reason",
        "row_kind",
        "household_key",
    )


def changes(filters: ChangeFilters):
    """Every history row of the household tables matching ``filters``, newest first, as one query
    (rows are dicts; ``describe`` turns a page of them into ``Change``)."""
    tables = [t for t in history_tables() if not filters.kind or t.archive_name == filters.kind]
    components = [_component(table, filters) for table in tables]
    if not components:
        return Household.history.none().values("history_id")
    first, *others = components
    union = first.union(*others, all=True) if others else first
    return union.order_by("-history_date", "-history_id")


def _reason(text: str | None) -> str:
    cleaned = clean_reason(text)
    if not cleaned:
        return ""
    return TYPED_REASON if cleaned == ERASED_REASON and text != ERASED_REASON else cleaned


def _changed_fields(rows: list[dict]) -> dict[tuple[str, int], list[str]]:
    """For the modifications among ``rows``: the French names of the registry fields whose value
    differs from the object's previous history row (two queries per kind of table)."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row["history_type"] == "~":
            by_kind[row["row_kind"]].append(row["history_id"])
    tables = {t.archive_name: t for t in history_tables()}
    result = {}
    for kind, ids in by_kind.items():
        table = tables[kind]
        model = table.history_model
        kept = {f.name for f in model._meta.concrete_fields}
        names = [f.name for f in table.fields if f.name in kept]
        attnames = {name: model._meta.get_field(name).attname for name in names}
        previous = model._default_manager.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        current = list(
            model._default_manager.filter(history_id__in=ids).annotate(
                previous_id=Subquery(previous.order_by("-history_id").values("history_id")[:1])
            )
        )
        before = model._default_manager.in_bulk([row.previous_id for row in current if row.previous_id])
        verbose = {name: label_of(table.model_class._meta.get_field(name)) for name in names}
        for row in current:
            prior = before.get(row.previous_id)
            result[(kind, row.history_id)] = [
                verbose[name]
                for name in names
                if prior is None or getattr(row, attnames[name]) != getattr(prior, attnames[name])
            ]
    return result


def describe(rows: list[dict]) -> list[Change]:
    """A page of ``changes`` rows with their people, households and changed fields."""
    user_ids = {row["history_user_id"] for row in rows if row["history_user_id"]}
    users = get_user_model().objects.in_bulk(user_ids)
    organisations: dict[int, list[str]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(user_id__in=user_ids).select_related("organisation").order_by("pk")
    ):
        organisations[membership.user_id].append(membership.organisation.name)
    households = (
        Household.objects.filter(pk__in={row["household_key"] for row in rows if row["household_key"]})
        .select_related("project")
        .only("pk", "reference", "pseudonym", "project__name")
        .in_bulk()
    )
    titles = dict(kinds())
    fields = _changed_fields(rows)
    result = []
    for row in rows:
        user = users.get(row["history_user_id"])
        household = households.get(row["household_key"])
        result.append(
            Change(
                at=row["history_date"],
                kind=titles[row["row_kind"]],
                action=ACTIONS.get(row["history_type"], row["history_type"]),
                user=str(user) if user else "application (import ou traitement automatique)",
                organisations=", ".join(organisations.get(row["history_user_id"], [])),
                reference=household.reference if household else "",
                pseudonym=household.pseudonym if household else "",
                project=household.project.name if household else "",
                household_id=row["household_key"],
                fields=fields.get((row["row_kind"], row["history_id"]), []),
                reason=_reason(row["history_change_reason"]),
            )
        )
    return result


CSV_HEADER = [
    "Date",
    "Utilisateur",
    "Organisations de l'utilisateur",
    "Ménage (référence)",
    "Pseudonyme",
    "Projet",
    "Table",
    "Action",
    "Champs modifiés",
    "Motif",
]


def csv_row(change: Change) -> list:
    return [
        timezone.localtime(change.at).strftime("%d/%m/%Y %H:%M:%S"),
        change.user,
        change.organisations,
        change.reference,
        change.pseudonym,
        change.project,
        change.kind,
        change.action,
        ", ".join(change.fields),
        change.reason,
    ]


def changes_in_batches(filters: ChangeFilters, *, batch_size: int = 500):
    """Every matching change, described ``batch_size`` rows at a time (for the CSV export)."""
    rows = changes(filters)
    start = 0
    while True:
        batch = list(rows[start : start + batch_size])
        if not batch:
            return
        yield from describe(batch)
        start += batch_size
