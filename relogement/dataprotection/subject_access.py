"""The subject-access export (art. 15 RGPD): every datum held about one household, read through the
``registry`` so that nothing is forgotten, for a PDF handed to the household and a machine-readable
archive (a ZIP of JSON files).

What it holds, table by table: the current rows with every field of the registry, and for the tables
with a history every history row (date, action, the organisation of its author, the change reason, the
fields it changed with their new value in the PDF; whole rows in the archive). The read log is one of
the tables. People of the organisations (authors, readers, referents) are named by their organisation
(« agent de … »), not by name: the household is entitled to know which bodies handled or read its file
and when, not the identity of each employee (CJEU, C-579/21, 22 June 2023); the DPO reads the names in
the read log if a request needs them. A number of queries that does not depend on the number of rows:
two per table, one per kind of linked object, one for the people's organisations.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model, Q
from django.utils import timezone

from relogement.accounts.models import Membership
from relogement.core.formatting import format_date, format_number
from relogement.dataprotection.controller import Controller, controller_for
from relogement.dataprotection.registry import TABLES, Category, Table, label_of
from relogement.documents.selectors import document_files
from relogement.households.models import Household

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}
UNKNOWN_PERSON = "agent (organisation non renseignée)"
# A history row without a user: written by an import, a command or a migration.
NO_PERSON = "application (import ou traitement automatique)"


@dataclass
class Record:
    values: list[tuple[str, str]]  # (French label, text) in the registry's order
    data: dict[str, object]  # field name → JSON value


@dataclass
class HistoryEntry:
    at: dt.datetime
    action: str
    by: str
    reason: str
    changes: list[tuple[str, str]]
    data: dict[str, object]


@dataclass
class Section:
    table: Table
    title: str
    labels: dict[str, str]
    categories: dict[str, str]
    records: list[Record] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    has_history: bool = False


@dataclass
class SubjectAccess:
    household: Household
    generated_at: dt.datetime
    controller: Controller
    sections: list[Section]

    @property
    def record_count(self) -> int:
        return sum(len(section.records) for section in self.sections)

    @property
    def history_count(self) -> int:
        return sum(len(section.history) for section in self.sections)


def _history_path(table: Table) -> str:
    # A history row's own key is ``history_id``; the household's id is its ``id`` column.
    return "id" if table.household_path == "pk" else table.household_path


def _of_household(table: Table, household: Household, *, history: bool = False) -> Q:
    """The rows of ``table`` about the household (through either key of a row between two households)."""
    condition = Q(**{_history_path(table) if history else table.household_path: household.pk})
    if table.other_household_path:
        condition |= Q(**{table.other_household_path: household.pk})
    return condition


def _model_fields(table: Table):
    model = table.model_class
    return [model._meta.get_field(f.name) for f in table.fields]


def _people_labels(user_ids: set[int]) -> dict[int, str]:
    orgs: dict[int, list[str]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(user_id__in=user_ids).select_related("organisation").order_by("pk")
    )
    for membership in memberships:
        orgs[membership.user_id].append(membership.organisation.name)
    return {pk: f"agent de {', '.join(orgs[pk])}" if orgs.get(pk) else UNKNOWN_PERSON for pk in user_ids}


def _resolve(wanted: dict[type, set]) -> dict[type, dict]:
    """The text of every linked object, one query per kind of object."""
    user_model = Household._meta.get_field("referent").related_model
    resolved = {}
    for model, ids in wanted.items():
        ids.discard(None)
        if model is user_model:
            resolved[model] = _people_labels(ids)
        else:
            resolved[model] = {pk: _label(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
    return resolved


def _label(obj) -> str:
    # A model without its own __str__ (a proposal) would read « Proposal object (3) ».
    return f"n° {obj.pk}" if type(obj).__str__ is Model.__str__ else str(obj)


def _text(model_field, value, resolved) -> str:
    if value is None or value == "" or value == []:
        return "non renseigné" if model_field.get_internal_type() == "BooleanField" else "—"
    if model_field.is_relation:
        return resolved[model_field.related_model].get(value, f"n° {value} (supprimé)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _json(model_field, value, resolved):
    if value is None:
        return None
    if model_field.is_relation or model_field.choices:
        return _text(model_field, value, resolved)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _wanted(fields, rows, wanted: dict[type, set]) -> None:
    for model_field in fields:
        if model_field.is_relation:
            wanted[model_field.related_model].update(getattr(row, model_field.attname) for row in rows)


def subject_access(household: Household) -> SubjectAccess:
    """Every datum the application holds about ``household`` (module docstring)."""
    loaded = []
    wanted: dict[type, set] = defaultdict(set)
    for table in TABLES:
        model = table.model_class
        fields = _model_fields(table)
        rows = list(model._default_manager.filter(_of_household(table, household)).order_by("pk"))
        history_model = table.history_model
        history = []
        if history_model is not None:
            history = list(
                history_model._default_manager.filter(_of_household(table, household, history=True)).order_by(
                    "history_date", "history_id"
                )
            )
            wanted[history_model._meta.get_field("history_user").related_model].update(
                row.history_user_id for row in history
            )
        _wanted(fields, rows + history, wanted)
        loaded.append((table, fields, rows, history))
    resolved = _resolve(wanted)
    sections = [_section(table, fields, rows, history, resolved) for table, fields, rows, history in loaded]
    return SubjectAccess(
        household=household,
        generated_at=timezone.now(),
        controller=controller_for(household.project),
        sections=sections,
    )


def _section(table: Table, fields, rows, history, resolved) -> Section:
    section = Section(
        table=table,
        title=table.title,
        labels={f.name: label_of(f) for f in fields},
        categories={
            f.name: Category(spec.category).label for f, spec in zip(fields, table.fields, strict=True)
        },
        has_history=table.history_model is not None,
    )
    for row in rows:
        section.records.append(
            Record(
                values=[(label_of(f), _text(f, getattr(row, f.attname), resolved)) for f in fields],
                data={f.name: _json(f, getattr(row, f.attname), resolved) for f in fields},
            )
        )
    if history:
        user_model = table.history_model._meta.get_field("history_user").related_model
        people = resolved.get(user_model, {})
        # A field the history does not copy (the household's updated_at) is left out of its rows.
        kept = {f.name for f in table.history_model._meta.concrete_fields}
        tracked = [f for f in fields if f.name in kept]
        previous: dict[int, object] = {}
        for row in history:
            before = previous.get(row.id)
            changes = []
            if row.history_type != "-":
                for f in tracked:
                    value = getattr(row, f.attname)
                    if before is None:
                        changed = value not in (None, "", [])
                    else:
                        changed = value != getattr(before, f.attname)
                    if changed:
                        changes.append((label_of(f), _text(f, value, resolved)))
            previous[row.id] = row
            by = people.get(row.history_user_id, UNKNOWN_PERSON) if row.history_user_id else NO_PERSON
            action = ACTIONS.get(row.history_type, row.history_type)
            section.history.append(
                HistoryEntry(
                    at=row.history_date,
                    action=action,
                    by=by,
                    reason=row.history_change_reason or "",
                    changes=changes,
                    data={
                        "date": timezone.localtime(row.history_date).isoformat(),
                        "action": action,
                        "par": by,
                        "motif": row.history_change_reason or "",
                        "valeurs": {f.name: _json(f, getattr(row, f.attname), resolved) for f in tracked},
                    },
                )
            )
    return section


README = """Copie des données détenues par l'application Relogement sur le ménage {reference}
(droit d'accès, article 15 du RGPD), produite le {generated}.

Un fichier JSON par table : chaque fichier est une liste d'enregistrements, un objet par ligne,
ses clés étant les noms des champs. « champs.json » donne, pour chaque table, le libellé français
et la catégorie de chaque champ. Le dossier « historique » contient chaque version successive des
enregistrements (date, action, organisation de l'auteur, motif, valeurs) ; « consultations.json »
la liste des consultations du dossier (date, organisation, page). Le dossier « fichiers » contient
les documents déposés au dossier et non supprimés (numéro du document, puis nom du fichier déposé),
décrits dans « documents.json ».

Responsable de traitement : {controller}
"""


def archive_bytes(export: SubjectAccess) -> bytes:
    """The machine-readable archive: a ZIP of UTF-8 JSON files (see README)."""
    buffer = io.BytesIO()
    household = export.household
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        generated = timezone.localtime(export.generated_at)
        archive.writestr(
            "LISEZMOI.txt",
            README.format(
                reference=household.reference,
                generated=generated.strftime("%d/%m/%Y à %H:%M"),
                controller=export.controller.name,
            ),
        )
        fields = {
            section.table.archive_name: {
                "table": section.title,
                "champs": {
                    name: {"libellé": label, "catégorie": section.categories[name]}
                    for name, label in section.labels.items()
                },
            }
            for section in export.sections
        }
        archive.writestr("champs.json", _dumps(fields))
        for section in export.sections:
            archive.writestr(f"{section.table.archive_name}.json", _dumps([r.data for r in section.records]))
            if section.has_history:
                archive.writestr(
                    f"historique/{section.table.archive_name}.json", _dumps([h.data for h in section.history])
                )
        # The documents themselves, read from the storage (the household is entitled to its papers).
        for name, content in document_files(household):
            archive.writestr(f"fichiers/{name}", content)
    return buffer.getvalue()


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def file_stem(household: Household, kind: str) -> str:
    """A download name without the household's name (it may travel by e-mail)."""
    today = timezone.localdate().isoformat()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in household.reference)
    return f"rgpd-{kind}-{safe}-{today}"
