"""Import of the exchange format: validate every row, then write everything in one transaction, chunk
by chunk so that writing holds the instances of one chunk at a time.

Entry point: ``exchange_import(sheets=..., actor=..., dry_run=...)``. Nothing is written when any row is
invalid. Matching, dating and update rules are documented in docs/exchange-format.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.duplicates.imports import NewRow, import_duplicates
from relogement.exchange import snapshot
from relogement.exchange.cells import CellError, display, parse_cell
from relogement.exchange.columns import COLUMNS, MENAGES, PROPOSITIONS
from relogement.exchange.headers import read_header
from relogement.exchange.report import ImportReport
from relogement.exchange.sheets import PARSED_PER_COLUMN, RawSheet, parsed_key
from relogement.followup.dates import add_months
from relogement.followup.models import FollowUp
from relogement.households.models import Household, HouseholdStatusChange, ensure_unique_pseudonyms
from relogement.households.statuses import REPORTING_STATUS, ExitReason, ReportingStatus
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Answer, Proposal, ProposalStatus, RefusalReason
from relogement.projects.models import Building, Operation, OperationKind, Project
from relogement.rehousing.models import HousingStock, Rehousing, RehousingKind
from relogement.territory.models import Commune

R = ReportingStatus
# Destination row → kind of its Rehousing record: definitive for `reloge`, temporary otherwise (a file
# describes the temporary dwelling of a household searching again from it).
REHOUSING_KIND = {R.RELOGE: RehousingKind.DEFINITIVE}
REHOUSED = (S.REHOUSED, S.TEMPORARILY_REHOUSED)

FINE_STATUS = {
    R.A_DIAGNOSTIQUER: S.TO_DIAGNOSE,
    R.EN_RECHERCHE: S.SEARCHING,
    R.PROPOSITION_EN_COURS: S.PROPOSAL_IN_PROGRESS,
    R.RELOGE_TEMPORAIRE: S.TEMPORARILY_REHOUSED,
    R.RELOGE: S.REHOUSED,
    R.SORTI_SANS_RELOGEMENT: S.EXITED,
}

DESTINATION_COLUMNS = (
    "bailleur_destination",
    "commune_destination_insee",
    "qpv_destination",
    "parc_destination",
    "date_mise_en_service_destination",
    "typologie_destination",
    "surface_destination",
    "loyer_destination",
    "charges_destination",
    "apl_destination",
    "rls_destination",
    "minoration_loyer",
)
# Columns that describe the building, not the household: compared with the building, never updated.
BUILDING_COLUMNS = ("bailleur_origine", "proprietaire_origine", "commune_origine_insee")
# The operation a private-stock building named by a file is created in: the file does not say which
# kind (RHI, OPAH…), so "Autre" until the project office moves the building to its operation.
PRIVATE_IMPORT_OPERATION = "Import (parc privé)"
NO_ORIGIN_OWNER = (
    "valeur obligatoire manquante : le bailleur d'origine, ou pour un bâtiment du parc privé son "
    "propriétaire (colonne proprietaire_origine)"
)

HOUSEHOLD_FIELDS = {
    "nom_referent": "reference_name",
    "nb_adultes": "adults_count",
    "nb_enfants": "children_count",
    "type_menage": "household_type",
    "age_referent": "reference_age",
    "ressources_mensuelles": "monthly_resources",
    "besoin_pmr": "reduced_mobility",
    "typologie_origine": "origin_dwelling_type",
    "surface_origine": "origin_living_area",
    "loyer_origine": "rent_before",
    "charges_origine": "charges_before",
    "apl_origine": "apl_before",
    "rls_origine": "rls_before",
    "date_recensement": "census_date",
    "statut_occupation": "occupancy_status",
}
REHOUSING_FIELDS = {
    "bailleur_destination": "landlord_name",
    "qpv_destination": "in_qpv",
    "parc_destination": "housing_stock",
    "date_mise_en_service_destination": "commissioning_date",
    "typologie_destination": "dwelling_type",
    "surface_destination": "living_area",
    "loyer_destination": "rent",
    "charges_destination": "charges",
    "apl_destination": "apl",
    "rls_destination": "rls",
    "minoration_loyer": "rent_reduction_payment",
}
PROPOSAL_FIELDS = {
    "typologie": "dwelling_type",
    "surface": "living_area",
    "loyer": "rent",
    "charges": "charges",
    "qpv": "in_qpv",
    "reponse": "answer",
    "date_reponse": "answer_date",
    "motif_refus": "refusal_reason_text",
    "type_logement": "stock_kind",
}
ANSWER_STATUS = {
    Answer.PENDING: ProposalStatus.PROPOSED,
    Answer.ACCEPTED: ProposalStatus.ACCEPTED,
    Answer.REFUSED: ProposalStatus.REFUSED,
}

Progress = Callable[[str, int, int], None]

# Households (or proposals) compared and written together, with their related rows and history: the
# import holds the model instances of one chunk at a time, whatever the size of the file (a stored
# household loaded with its building, landlord, commune, history and proposals takes about 10 KB; a
# created one, with its related rows, about 5.5 KB).
WRITE_CHUNK = 100


class StoredBuilding(NamedTuple):
    """What the import needs of a building: a file may name as many buildings as households."""

    pk: int
    landlord_name: str | None  # None: private stock
    insee_code: str
    private_owner: str = ""


class Values(list):
    """A row's typed values by column name, stored as a list in the order of the sheet's columns: the
    import holds every row of the file at once, and a dict per row took three times the memory."""

    __slots__ = ()
    names: tuple[str, ...] = ()
    index: dict[str, int] = {}

    @classmethod
    def of_sheet(cls, name: str) -> type[Values]:
        names = tuple(c.name for c in COLUMNS[name])
        return type(
            f"{name.capitalize()}Values",
            (cls,),
            {"__slots__": (), "names": names, "index": {n: i for i, n in enumerate(names)}},
        )

    def __getitem__(self, column: str):
        return list.__getitem__(self, self.index[column])

    def __setitem__(self, column: str, value) -> None:
        list.__setitem__(self, self.index[column], value)

    def get(self, column: str, default=None):
        value = list.__getitem__(self, self.index[column])
        return default if value is None else value

    def items(self):
        return zip(self.names, list.__iter__(self), strict=True)


_VALUES = {name: Values.of_sheet(name) for name in COLUMNS}


@dataclass(slots=True)
class Row:
    sheet: str
    number: int
    values: Values
    cells: list  # the raw cells, aligned with the sheet's columns
    positions: dict[str, int]  # column → index in cells, shared by the rows of a sheet
    invalid: tuple[str, ...] = ()  # columns whose cell is invalid
    project: Project | None = None
    household_pk: int | None = None  # stored household this row matches, or the one the write created
    created: bool = False  # the write created household_pk
    ok: bool = True

    def raw(self, column: str):
        index = self.positions.get(column)
        return None if index is None else self.cells[index]


class _StoredHistoryError(Exception):
    """Rolls the write back: a row contradicts the history of its stored household (in the report)."""


def _none(*args) -> None:
    return None


class Importer:
    def __init__(self, sheets: dict[str, RawSheet], *, actor=None, allowed_project_ids=None, progress=None):
        self.sheets = sheets
        self.actor = actor
        self.allowed = set(allowed_project_ids) if allowed_project_ids is not None else None
        self.progress: Progress = progress or _none
        self.report = ImportReport()
        self.today = timezone.localdate()

    # --- helpers --------------------------------------------------------------------------------

    def _error(self, row: Row, column: str, message: str, value=None) -> None:
        row.ok = False
        shown = display(row.raw(column)) if value is None else value
        self.report.error(row.sheet, row.number, column, shown, message)

    def _warn(self, row: Row, column: str, message: str) -> None:
        self.report.warn(row.sheet, row.number, column, display(row.raw(column)), message)

    # --- 1. cells -------------------------------------------------------------------------------

    def _parse_sheet(self, name: str) -> list[Row]:
        sheet = self.sheets.get(name)
        if sheet is None:
            if name == MENAGES:
                self.report.error(MENAGES, None, "", "", "feuille « menages » absente du fichier")
            return []
        header = read_header(name, sheet.header)
        for issue in header.issues:
            record = self.report.error if issue.error else self.report.warn
            record(name, 1, issue.title, issue.value, issue.message)
        if self.report.errors:
            return []
        columns = COLUMNS[name]
        positions = {column: index for index, column in enumerate(sheet.columns)}
        # The cell of each column of the format, or None when the sheet does not have the column.
        placed = [positions.get(column.name) for column in columns]
        values_type = _VALUES[name]
        # Parsed values are shared between equal cells (the same amounts and dates recur on many rows);
        # each column's table is bounded, and sheets.SheetBuilder counted this memory when reading.
        parsed: list[dict] = [{} for _ in columns]
        rows = []
        total = len(sheet.rows)
        for count, (number, cells) in enumerate(sheet.rows, start=1):
            values = values_type([None] * len(columns))
            row = Row(sheet=name, number=number, values=values, cells=cells, positions=positions)
            for index, column in enumerate(columns):
                position = placed[index]
                raw = None if position is None else cells[position]
                if raw is None:
                    value = None
                else:
                    key = parsed_key(raw)
                    cache = parsed[index]
                    value = cache.get(key)
                    if value is None:
                        try:
                            value = parse_cell(raw, column)
                        except CellError as exc:
                            row.invalid += (column.name,)
                            self._error(row, column.name, str(exc))
                            continue
                        if value is not None and len(cache) < PARSED_PER_COLUMN:
                            cache[key] = value
                list.__setitem__(values, index, value)
                if column.required and value is None and not column.may_be_empty:
                    self._error(row, column.name, "valeur obligatoire manquante")
            rows.append(row)
            if count % 1000 == 0:
                self.progress("Lecture des lignes", count, total)
        return rows

    # --- 2. referential -------------------------------------------------------------------------

    def _load_referential(self) -> None:
        self.projects = {}
        for project in Project.objects.all():
            self.projects[project.code.casefold()] = project
            self.projects[project.name.casefold()] = project
        self.communes = {c.insee_code: c for c in Commune.objects.only("pk", "insee_code", "name")}
        self.organisations = {o.name.casefold(): o for o in Organisation.objects.all()}
        self.refusal_reasons = {}
        for reason in RefusalReason.objects.all():
            self.refusal_reasons[reason.code.casefold()] = reason
            self.refusal_reasons[reason.label.casefold()] = reason

    def _resolve_project(self, row: Row) -> None:
        name = row.values.get("projet")
        if name is None:
            return
        project = self.projects.get(name.casefold())
        if project is None:
            self._error(row, "projet", "projet inconnu (ni code ni nom d'un projet du référentiel)")
        elif self.allowed is not None and project.pk not in self.allowed:
            self._error(row, "projet", "vous ne pouvez pas importer de données pour ce projet")
        else:
            row.project = project

    def _check_commune(self, row: Row, column: str) -> None:
        insee = row.values.get(column)
        if insee is not None and insee not in self.communes:
            self._error(row, column, "commune inconnue du référentiel (code INSEE)")

    def _check_not_future(self, row: Row, columns) -> None:
        for column in columns:
            value = row.values.get(column)
            if value is not None and value > self.today:
                self._error(row, column, "la date ne peut pas être dans le futur")

    # --- 3. households --------------------------------------------------------------------------

    def _validate_households(self, rows: list[Row]) -> None:
        seen: dict[tuple, Row] = {}
        for row in rows:
            v = row.values
            self._resolve_project(row)
            for column in ("commune_origine_insee", "commune_destination_insee"):
                self._check_commune(row, column)
            status = v.get("statut")
            if status == R.SORTI_SANS_RELOGEMENT and v.get("motif_sortie") is None:
                self._error(
                    row, "motif_sortie", "motif de sortie obligatoire pour un ménage sorti sans relogement"
                )
            if status in (R.RELOGE, R.RELOGE_TEMPORAIRE) and v.get("date_relogement") is None:
                self._error(row, "date_relogement", "date de relogement obligatoire pour un ménage relogé")
            if status == R.RELOGE:
                for column, label in (
                    ("commune_destination_insee", "commune de destination"),
                    ("qpv_destination", "indication QPV de destination"),
                    ("parc_destination", "parc de destination"),
                ):
                    if v.get(column) is None and column not in row.invalid:
                        self._error(row, column, f"{label} obligatoire pour un ménage relogé")
            if status == R.RELOGE_TEMPORAIRE:
                # A temporary rehousing is a Rehousing record too (docs/lifecycle.md, "Rehousing record
                # rule"), counted by commune in the indicators: without its commune the household would
                # be « relogé temporairement » with no record (docs/exchange-format.md, Validation).
                column = "commune_destination_insee"
                if v.get(column) is None and column not in row.invalid:
                    self._error(
                        row,
                        column,
                        "commune de destination obligatoire pour un ménage relogé temporairement",
                    )
            census = v.get("date_recensement")
            self._check_not_future(row, ("date_recensement", "date_diagnostic", "date_relogement"))
            for column, label in (("date_diagnostic", "diagnostic"), ("date_relogement", "relogement")):
                value = v.get(column)
                if census and value and value < census:
                    self._error(row, column, f"la date de {label} précède la date de recensement")
            diag, move_in = v.get("date_diagnostic"), v.get("date_relogement")
            if diag and move_in and move_in < diag:
                self._error(row, "date_relogement", "la date de relogement précède la date de diagnostic")
            self._check_origin_owner(row)
            if v.get("nb_adultes") == 0:
                self._error(row, "nb_adultes", "un ménage compte au moins un adulte")
            if row.project is not None and v.get("ref_menage"):
                key = (row.project.pk, v["ref_menage"])
                if key in seen:
                    self._error(
                        row,
                        "ref_menage",
                        f"référence déjà utilisée dans ce projet à la ligne {seen[key].number}",
                    )
                else:
                    seen[key] = row
        # project pk, ref_menage → the file's row: the write finds a created household's pk on its row.
        self.file_households = seen

    def _check_origin_owner(self, row: Row) -> None:
        """A building has a social landlord or, private degraded stock, an owner recorded as text (both
        empty is checked against the stored building: ``_check_buildings``)."""
        landlord, owner = row.values.get("bailleur_origine"), row.values.get("proprietaire_origine")
        if landlord is not None and owner is not None:
            self._error(
                row,
                "proprietaire_origine",
                "un bâtiment a soit un bailleur social (bailleur_origine), soit un propriétaire privé "
                "(proprietaire_origine), pas les deux",
            )

    def _normalise_households(self, rows: list[Row]) -> None:
        """Drop values the file gives but the status makes meaningless, with a warning."""
        for row in rows:
            if not row.ok:
                continue
            v = row.values
            status = v["statut"]
            if v.get("motif_sortie") and status != R.SORTI_SANS_RELOGEMENT:
                self._warn(row, "motif_sortie", "ignoré : le ménage n'est pas sorti sans relogement")
                v["motif_sortie"] = None
            if v.get("date_diagnostic") and status == R.A_DIAGNOSTIQUER:
                self._warn(row, "date_diagnostic", "ignorée : le ménage est encore à diagnostiquer")
                v["date_diagnostic"] = None
            has_destination = v.get("date_relogement") and v.get("commune_destination_insee")
            if not has_destination:
                for column in DESTINATION_COLUMNS:
                    if v.get(column) is not None:
                        self._warn(
                            row,
                            column,
                            "ignoré : la destination n'est enregistrée qu'avec date_relogement et "
                            "commune_destination_insee",
                        )
                        v[column] = None
            if status != R.RELOGE or not v.get("date_relogement"):
                for column in ("satisfaction_6_mois", "impayes_6_mois"):
                    if v.get(column) is not None:
                        self._warn(row, column, "ignoré : le suivi à 6 mois suppose un relogement définitif")
                        v[column] = None

    def _index_stored_households(self) -> None:
        """The stored households the file names: a household row gets its pk on the row, the others the
        file refers to (proposals, splits) go in ``self.stored``, so that the index grows with the file
        and not with the database (a dict entry per stored household of the projects took 250 bytes)."""
        project_ids = {pk for pk, _ in self.file_households} | {
            row.project.pk for row in self.proposal_rows if row.project is not None
        }
        others = set()
        for row in self.proposal_rows:
            if row.project is not None and row.values.get("ref_menage"):
                others.add((row.project.pk, row.values["ref_menage"]))
        for row in self.file_households.values():
            if row.values.get("decohabitation_de"):
                others.add((row.project.pk, row.values["decohabitation_de"]))
        others.difference_update(self.file_households)
        self.stored: dict[tuple, int] = {}
        households = Household.objects.filter(project_id__in=project_ids).values_list(
            "pk", "project_id", "reference"
        )
        for pk, project_id, reference in households.iterator(chunk_size=2000):
            key = (project_id, reference)
            row = self.file_households.get(key)
            if row is not None:
                row.household_pk = pk
            elif key in others:
                self.stored[key] = pk

    def _stored_pk(self, key: tuple) -> int | None:
        """The pk of the stored household ``key`` (project pk, ref_menage), if there is one."""
        row = self.file_households.get(key)
        if row is not None:
            return None if row.created else row.household_pk
        return self.stored.get(key)

    def _check_splits(self, rows: list[Row]) -> None:
        parents = {}
        for row in rows:
            parent = row.values.get("decohabitation_de")
            if parent is None or row.project is None:
                continue
            if parent == row.values.get("ref_menage"):
                self._error(row, "decohabitation_de", "un ménage ne peut pas être issu de lui-même")
                continue
            key = (row.project.pk, parent)
            if key not in self.file_households and self._stored_pk(key) is None:
                self._error(
                    row, "decohabitation_de", "ménage d'origine introuvable (ni dans le fichier ni en base)"
                )
                continue
            parents[(row.project.pk, row.values["ref_menage"])] = (key, row)
        # A chain of splits inside the file must end somewhere.
        for child, (_, row) in parents.items():
            current, steps = child, 0
            while current in parents and steps <= len(parents):
                current, steps = parents[current][0], steps + 1
            if steps > len(parents):
                self._error(row, "decohabitation_de", "décohabitations circulaires")
        self.split_parents = {child: parent for child, (parent, _) in parents.items()}

    # --- 4. proposals ---------------------------------------------------------------------------

    def _validate_proposals(self, rows: list[Row]) -> None:
        for row in rows:
            v = row.values
            self._resolve_project(row)
            self._check_commune(row, "commune_insee")
            self._check_not_future(row, ("date_proposition", "date_reponse"))
            answer = v.get("reponse")
            if answer in (Answer.ACCEPTED, Answer.REFUSED) and v.get("date_reponse") is None:
                if "date_reponse" not in row.invalid:
                    self._error(row, "date_reponse", "date de réponse obligatoire quand le ménage a répondu")
            if answer == Answer.REFUSED and not v.get("motif_refus"):
                self._error(row, "motif_refus", "motif de refus obligatoire pour une proposition refusée")
            if answer == Answer.PENDING and v.get("date_reponse"):
                self._warn(row, "date_reponse", "ignorée : la proposition est en attente de réponse")
                v["date_reponse"] = None
            if answer != Answer.REFUSED and v.get("motif_refus"):
                self._warn(row, "motif_refus", "ignoré : la proposition n'est pas refusée")
                v["motif_refus"] = None
            proposed, answered = v.get("date_proposition"), v.get("date_reponse")
            if proposed and answered and answered < proposed:
                self._error(row, "date_reponse", "la date de réponse précède la date de proposition")

    def _check_proposal_households(self, rows: list[Row]) -> None:
        seen = {}
        for row in rows:
            if row.project is None or not row.values.get("ref_menage"):
                continue
            key = (row.project.pk, row.values["ref_menage"])
            if key not in self.file_households and self._stored_pk(key) is None:
                self._error(row, "ref_menage", "ménage introuvable (ni dans la feuille menages ni en base)")
                continue
            if not row.ok:
                continue
            v = row.values
            dedup = (key, v["date_proposition"], v["commune_insee"], v["bailleur"].casefold())
            if dedup in seen:
                self._error(
                    row,
                    "date_proposition",
                    f"même proposition (ménage, date, commune, bailleur) qu'à la ligne {seen[dedup]}",
                )
            else:
                seen[dedup] = row.number

    # --- 5. plan --------------------------------------------------------------------------------

    def _match_stored(self, rows: list[Row]) -> None:
        # Taken before the write sets the pk of each created household on its row.
        self.stored_rows = [row for row in rows if row.household_pk]
        project_ids = {row.project.pk for row in rows}
        # Plain tuples: a file may name as many buildings as households.
        self.buildings: dict[tuple, StoredBuilding] = {}
        for pk, project_id, reference, landlord, insee, owner in Building.objects.filter(
            project_id__in=project_ids
        ).values_list(
            "pk", "project_id", "reference", "landlord__name", "commune__insee_code", "private_owner"
        ):
            self.buildings[(project_id, reference)] = StoredBuilding(pk, landlord, insee, owner)

    def _stored_chunks(self):
        """The rows matching a stored household, each with it and its history, ``WRITE_CHUNK`` at a time:
        only one chunk of stored households is held at once (100,000 of them took about 1 GB)."""
        for start in range(0, len(self.stored_rows), WRITE_CHUNK):
            chunk = self.stored_rows[start : start + WRITE_CHUNK]
            loaded = snapshot.households_with_history([row.household_pk for row in chunk])
            by_pk = {household.pk: household for household in loaded}
            yield [(row, by_pk[row.household_pk]) for row in chunk]

    def _household_changes(self, row: Row, household: Household) -> list[str]:
        changed = self._changed_columns(row, household)
        building = self.buildings.get((row.project.pk, row.values["batiment"]))
        if building is None or building.pk != household.building_id:
            changed.append("batiment")
        return changed

    def _compared_households(self, chunk) -> list[tuple[Row, Household, list[str]]]:
        """The rows of ``chunk`` that change their stored household, counted in the report."""
        plan = []
        for row, household in chunk:
            self._check_stored_rehousing(row, household)
            changed = self._household_changes(row, household)
            if changed:
                self.report.households.updated += 1
                plan.append((row, household, changed))
            else:
                self.report.households.unchanged += 1
        return plan

    def _check_stored_rehousing(self, row: Row, household: Household) -> None:
        """A row's rehousing must follow the stored history (docs/lifecycle.md): a move-in date before
        the household's current record would date a supersession before the move it ends, and a new
        rehousing status dated before the household's last status change would break the history's
        order. Checked on the stored chunk, in the dry run and before writing alike."""
        v = row.values
        move_in = v.get("date_relogement")
        if not move_in or not v.get("commune_destination_insee"):
            return
        kind = REHOUSING_KIND.get(v["statut"], RehousingKind.TEMPORARY)
        current = [r for r in getattr(household, snapshot.REHOUSINGS) if r.superseded_on is None]
        if any(r.kind == kind and r.move_in_date == move_in for r in current):
            return  # the same move: its fields are updated in place
        later = [r for r in current if r.move_in_date > move_in]
        if later:
            self._error(
                row,
                "date_relogement",
                "la date de relogement précède celle du relogement en cours du ménage "
                f"({later[-1].move_in_date:%d/%m/%Y}) : un nouveau relogement le remplace à une date "
                "postérieure",
            )
        target = FINE_STATUS[v["statut"]]
        changes = getattr(household, snapshot.STATUS_CHANGES)
        # Only when the row changes the status (a closed file keeps its fine status, importer rule).
        if REPORTING_STATUS[household.status] != v["statut"] and target in REHOUSED and changes:
            last = max(c.effective_date for c in changes)
            if move_in < last:
                self._error(
                    row,
                    "date_relogement",
                    "la date de relogement précède le dernier changement de statut du ménage "
                    f"({last:%d/%m/%Y})",
                )

    def _household_pk(self, key: tuple) -> int:
        """The pk of the household ``key`` (project pk, ref_menage): stored, or created by this file."""
        row = self.file_households.get(key)
        if row is not None and row.household_pk:
            return row.household_pk
        return self.stored[key]

    def _changed_columns(self, row: Row, household: Household) -> list[str]:
        current = snapshot.household_values(household)
        changed = []
        for column, value in row.values.items():
            if value is None or column in ("ref_menage", "projet") or column in BUILDING_COLUMNS:
                continue
            if column == "decohabitation_de":
                if value != current[column]:
                    changed.append(column)
                continue
            if current.get(column) != value:
                changed.append(column)
        return changed

    def _check_buildings(self, rows: list[Row]) -> None:
        announced = set()
        for row in rows:
            key = (row.project.pk, row.values["batiment"])
            building = self.buildings.get(key)
            landlord, insee = row.values["bailleur_origine"], row.values["commune_origine_insee"]
            owner = row.values.get("proprietaire_origine")
            if landlord is None and owner is None and "bailleur_origine" not in row.invalid:
                # Empty is allowed only for a stored private building (partners' files without the
                # extension column): a new building or a social landlord's needs the cell.
                if building is None or building.landlord_name is not None:
                    self._error(row, "bailleur_origine", NO_ORIGIN_OWNER)
                    continue
            if building is None:
                if key not in announced:
                    announced.add(key)
                    self._warn(row, "batiment", "bâtiment inconnu : il sera créé")
                continue
            if building.landlord_name is None:
                if landlord is not None or (owner is not None and owner != building.private_owner):
                    self._warn(
                        row,
                        "proprietaire_origine",
                        f"le bâtiment est du parc privé (propriétaire « {building.private_owner} ») : "
                        "valeur ignorée",
                    )
            elif landlord is None or building.landlord_name.casefold() != landlord.casefold():
                self._warn(
                    row,
                    "bailleur_origine",
                    f"le bâtiment appartient à « {building.landlord_name} » : valeur ignorée",
                )
            if building.insee_code != insee:
                self._warn(
                    row,
                    "commune_origine_insee",
                    f"le bâtiment est à {building.insee_code} : valeur ignorée",
                )
        announced_orgs = set()
        for row in rows:
            for column in ("bailleur_origine",):
                name = row.values[column]
                if name is None:  # private stock: no organisation
                    continue
                key = name.casefold()
                if key not in self.organisations and key not in announced_orgs:
                    building = self.buildings.get((row.project.pk, row.values["batiment"]))
                    if building is None:
                        announced_orgs.add(key)
                        self._warn(row, column, "bailleur inconnu : l'organisation sera créée")

    def _proposal_chunks(self):
        """The proposal rows ``WRITE_CHUNK`` at a time, as (row, stored proposal or None to create it,
        changed columns) for those that write something, counted in the report: only the stored
        proposals of one chunk's households are held at once."""
        rows = self.proposal_rows
        for start in range(0, len(rows), WRITE_CHUNK):
            chunk = rows[start : start + WRITE_CHUNK]
            relevant = {self._stored_pk((row.project.pk, row.values["ref_menage"])) for row in chunk}
            relevant.discard(None)
            stored: dict[tuple, Proposal] = {}
            if relevant:
                for proposal in snapshot.proposal_queryset(relevant):
                    commune = snapshot.proposal_commune(proposal)
                    key = snapshot.proposal_key(
                        proposal.household_id,
                        proposal.notified_date,
                        commune.insee_code if commune else None,
                        snapshot.proposal_landlord(proposal),
                    )
                    stored.setdefault(key, proposal)
            plan = []
            for row in chunk:
                v = row.values
                household_pk = self._stored_pk((row.project.pk, v["ref_menage"]))
                existing = None
                if household_pk:
                    key = snapshot.proposal_key(
                        household_pk, v["date_proposition"], v["commune_insee"], v["bailleur"]
                    )
                    existing = stored.get(key)
                if existing is None:
                    self.report.proposals.created += 1
                    plan.append((row, None, ()))
                    continue
                current = snapshot.proposal_values(existing)
                changed = [
                    c
                    for c in PROPOSAL_FIELDS
                    if v.get(c) is not None and self._refusal_text(v, c) != current.get(c)
                ]
                if changed:
                    self.report.proposals.updated += 1
                    plan.append((row, existing, changed))
                else:
                    self.report.proposals.unchanged += 1
            yield plan

    def _refusal_text(self, values: dict, column: str):
        value = values.get(column)
        if column == "motif_refus" and value:
            reason = self.refusal_reasons.get(value.casefold())
            return reason.label if reason else value
        return value

    # --- 6. write -------------------------------------------------------------------------------

    def _organisation(self, name: str) -> Organisation:
        key = name.casefold()
        if key not in self.organisations:
            self.organisations[key] = Organisation.objects.create(name=name, kind=OrganisationKind.LANDLORD)
        return self.organisations[key]

    def _building(self, row: Row) -> StoredBuilding:
        key = (row.project.pk, row.values["batiment"])
        if key not in self.buildings:
            landlord_name = row.values["bailleur_origine"]
            if landlord_name is None:  # private stock (checked: the owner is given)
                operation, _ = Operation.objects.get_or_create(
                    project=row.project, name=PRIVATE_IMPORT_OPERATION, defaults={"kind": OperationKind.OTHER}
                )
            else:
                operation, _ = Operation.objects.get_or_create(
                    project=row.project, name="Import", defaults={"kind": OperationKind.DEMOLITION}
                )
            building = Building(
                operation=operation,
                project=row.project,
                reference=row.values["batiment"],
                commune=self.communes[row.values["commune_origine_insee"]],
                landlord=self._organisation(landlord_name) if landlord_name is not None else None,
                private_owner=row.values.get("proprietaire_origine") or "" if landlord_name is None else "",
            )
            building._change_reason = snapshot.IMPORT_REASON
            building.save()
            self.buildings[key] = StoredBuilding(
                building.pk,
                building.landlord.name if building.landlord_id else None,
                building.commune.insee_code,
                building.private_owner,
            )
        return self.buildings[key]

    def _status_chain(self, v: dict) -> list[tuple[str, dt.date, str]]:
        chain = [(S.TO_DIAGNOSE, v["date_recensement"], snapshot.IMPORT_REASON)]
        target = FINE_STATUS[v["statut"]]
        if v.get("date_diagnostic"):
            chain.append((S.SEARCHING, v["date_diagnostic"], snapshot.IMPORT_REASON))
        if target == S.TO_DIAGNOSE:
            return chain
        if target == S.SEARCHING:
            if not v.get("date_diagnostic"):
                chain.append((S.SEARCHING, self.today, snapshot.IMPORT_UNDATED_REASON))
            return chain
        if target in REHOUSED:
            if not v.get("date_diagnostic"):
                # Rehousing starts from a search (docs/lifecycle.md): begun by the move-in at the latest.
                chain.append((S.SEARCHING, v["date_relogement"], snapshot.IMPORT_SEARCH_UNDATED_REASON))
            chain.append((target, v["date_relogement"], snapshot.IMPORT_REASON))
        else:
            chain.append((target, self.today, snapshot.IMPORT_UNDATED_REASON))
        return chain

    def _rehousing_kwargs(self, v: dict) -> dict:
        # Destination landlords are linked when known, never created (private landlords are people).
        landlord_name = v.get("bailleur_destination") or ""
        org = self.organisations.get(landlord_name.casefold()) if landlord_name else None
        kwargs = {
            "move_in_date": v["date_relogement"],
            "commune": self.communes[v["commune_destination_insee"]],
        }
        if org is not None:
            kwargs["landlord"] = org
        for column, model_field in REHOUSING_FIELDS.items():
            if v.get(column) is not None:
                kwargs[model_field] = v[column]
        return kwargs

    def _followup_kwargs(self, v: dict) -> dict:
        due = add_months(v["date_relogement"], 6)
        kwargs = {"due_date": due, "done_on": min(due, self.today)}
        if v.get("satisfaction_6_mois") is not None:
            kwargs["home_satisfaction"] = v["satisfaction_6_mois"]
        if v.get("impayes_6_mois") is not None:
            kwargs["rent_arrears"] = v["impayes_6_mois"]
        return kwargs

    def _write(self, rows: list[Row]) -> None:
        """Write the file chunk by chunk (``WRITE_CHUNK`` households or proposals with their related rows
        and history), so that writing adds a bounded amount of memory to the rows already held; the
        caller's transaction keeps it all-or-nothing."""
        for row in rows:
            self._building(row)
        created = [row for row in rows if not row.household_pk]
        self.report.households.created = len(created)
        self._create_households(created)
        done = len(created)
        for chunk in self._stored_chunks():
            plan = self._compared_households(chunk)
            if self.report.errors:
                # A row contradicts its stored household's history: nothing is written.
                raise _StoredHistoryError
            self._update_households(plan)
            done += len(chunk)
            self.progress("Enregistrement des ménages", done, len(rows))
        for plan in self._proposal_chunks():
            self.progress("Enregistrement des propositions", 0, 0)
            self._write_proposals(plan)

    def _create_households(self, rows: list[Row]) -> None:
        """Created generation by generation, so that a split can point at a household of the same file,
        and chunk by chunk within a generation; a created household's pk is kept on its row only."""

        def depth(row: Row) -> int:
            key, level = (row.project.pk, row.values["ref_menage"]), 0
            while key in self.split_parents and self._stored_pk(self.split_parents[key]) is None:
                key, level = self.split_parents[key], level + 1
            return level

        levels: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            levels[depth(row)].append(row)
        done = 0
        for level in sorted(levels):
            generation = levels.pop(level)
            for start in range(0, len(generation), WRITE_CHUNK):
                chunk = generation[start : start + WRITE_CHUNK]
                self._create_chunk(chunk)
                done += len(chunk)
                self.progress("Enregistrement des ménages", done, len(rows))

    def _create_chunk(self, rows: list[Row]) -> None:
        reason = snapshot.IMPORT_REASON
        batch = []
        for row in rows:
            v = row.values
            household = Household(
                reference=v["ref_menage"],
                project=row.project,
                building_id=self.buildings[(row.project.pk, v["batiment"])].pk,
                status=FINE_STATUS[v["statut"]],
                exit_reason=v.get("motif_sortie") or "",
                census_date=v["date_recensement"],
            )
            for column, model_field in HOUSEHOLD_FIELDS.items():
                if v.get(column) is not None:
                    setattr(household, model_field, v[column])
            parent = v.get("decohabitation_de")
            if parent:
                household.split_from_id = self._household_pk((row.project.pk, parent))
            batch.append(household)
        ensure_unique_pseudonyms(batch)
        bulk_create_with_history(
            batch, Household, batch_size=500, default_user=self.actor, default_change_reason=reason
        )
        status_changes, rehousings, followups = [], [], []
        for row, household in zip(rows, batch, strict=True):
            row.household_pk, row.created = household.pk, True
            v = row.values
            previous = ""
            for status, date, why in self._status_chain(v):
                status_changes.append(
                    HouseholdStatusChange(
                        household_id=household.pk,
                        from_status=previous,
                        to_status=status,
                        effective_date=date,
                        reason=why,
                        actor=self.actor,
                    )
                )
                previous = status
            if v.get("date_relogement") and v.get("commune_destination_insee"):
                kind = REHOUSING_KIND.get(v["statut"], RehousingKind.TEMPORARY)
                rehousings.append(Rehousing(household=household, kind=kind, **self._rehousing_kwargs(v)))
            if v.get("satisfaction_6_mois") is not None or v.get("impayes_6_mois") is not None:
                followups.append(FollowUp(household=household, months_after=6, **self._followup_kwargs(v)))
        HouseholdStatusChange.objects.bulk_create(status_changes, batch_size=1000)
        bulk_create_with_history(
            rehousings, Rehousing, batch_size=500, default_user=self.actor, default_change_reason=reason
        )
        bulk_create_with_history(
            followups, FollowUp, batch_size=500, default_user=self.actor, default_change_reason=reason
        )

    def _update_households(self, updated: list[tuple[Row, Household, list[str]]]) -> None:
        """Updates of one chunk of stored households: only the columns that changed, with history."""
        reason = snapshot.IMPORT_REASON
        status_changes, rehousings, followups, superseded = [], [], [], []
        household_updates, rehousing_updates, followup_updates = [], [], []
        household_fields, rehousing_fields, followup_fields = set(), set(), set()
        for row, household, changed in updated:
            v = row.values
            for column in changed:
                if column in HOUSEHOLD_FIELDS:
                    setattr(household, HOUSEHOLD_FIELDS[column], v[column])
                    household_fields.add(HOUSEHOLD_FIELDS[column])
            building = self.buildings[(row.project.pk, v["batiment"])]
            if building.pk != household.building_id:
                household.building_id = building.pk
                household_fields.add("building")
            if "decohabitation_de" in changed:
                household.split_from_id = self._household_pk((row.project.pk, v["decohabitation_de"]))
                household_fields.add("split_from")
            searching_written = False
            if "statut" in changed:
                target = FINE_STATUS[v["statut"]]
                if target in (S.REHOUSED, S.TEMPORARILY_REHOUSED):
                    when, why = v["date_relogement"], reason
                elif target == S.SEARCHING and v.get("date_diagnostic"):
                    when, why = v["date_diagnostic"], reason
                else:
                    when, why = self.today, snapshot.IMPORT_UNDATED_REASON
                if target in REHOUSED and household.status == S.TO_DIAGNOSE:
                    # Rehousing starts from a search (docs/lifecycle.md): dated by the file's diagnosis,
                    # else begun by the move-in at the latest.
                    diagnosed = v.get("date_diagnostic")
                    status_changes.append(
                        HouseholdStatusChange(
                            household=household,
                            from_status=S.TO_DIAGNOSE,
                            to_status=S.SEARCHING,
                            effective_date=diagnosed or when,
                            reason=reason if diagnosed else snapshot.IMPORT_SEARCH_UNDATED_REASON,
                            actor=self.actor,
                        )
                    )
                    searching_written = True
                    household.status = S.SEARCHING
                status_changes.append(
                    HouseholdStatusChange(
                        household=household,
                        from_status=household.status,
                        to_status=target,
                        effective_date=when,
                        reason=why,
                        actor=self.actor,
                    )
                )
                household.status = target
                household_fields.add("status")
            if "statut" in changed or "motif_sortie" in changed:
                household.exit_reason = v.get("motif_sortie") or "" if household.status == S.EXITED else ""
                household_fields.add("exit_reason")
            if "date_diagnostic" in changed and not searching_written:
                dated = [
                    c
                    for c in getattr(household, snapshot.STATUS_CHANGES)
                    if c.to_status == S.SEARCHING and c.reason != snapshot.IMPORT_UNDATED_REASON
                ]
                if dated:
                    moved = {"effective_date": v["date_diagnostic"]}
                    if dated[0].reason == snapshot.IMPORT_SEARCH_UNDATED_REASON:
                        moved["reason"] = reason  # now dated by the file: exported as date_diagnostic
                    HouseholdStatusChange.objects.filter(pk=dated[0].pk).update(**moved)
                else:
                    status_changes.append(
                        HouseholdStatusChange(
                            household=household,
                            from_status=S.TO_DIAGNOSE,
                            to_status=S.SEARCHING,
                            effective_date=v["date_diagnostic"],
                            reason=reason,
                            actor=self.actor,
                        )
                    )
            if v.get("date_relogement") and v.get("commune_destination_insee"):
                kind = REHOUSING_KIND.get(v["statut"], RehousingKind.TEMPORARY)
                kwargs = self._rehousing_kwargs(v)
                stored = getattr(household, snapshot.REHOUSINGS)
                current = [r for r in stored if r.superseded_on is None]
                # The same move (kind and move-in date) as the record the export describes: corrected in
                # place, with history. Any other is a new rehousing that supersedes the current record
                # (docs/lifecycle.md, Supersession), never an overwrite of it.
                same = [
                    r for r in current or stored if r.kind == kind and r.move_in_date == v["date_relogement"]
                ]
                if same:
                    rehousing = same[-1]
                    dirty = [k for k, value in kwargs.items() if getattr(rehousing, k) != value]
                    for k in dirty:
                        setattr(rehousing, k, kwargs[k])
                    if dirty:
                        rehousing_updates.append(rehousing)
                        rehousing_fields.update(dirty)
                else:
                    new = Rehousing(household=household, kind=kind, **kwargs)
                    rehousings.append(new)
                    for old in current:
                        old.superseded_on = new.move_in_date
                        superseded.append((old, new))
            if v.get("satisfaction_6_mois") is not None or v.get("impayes_6_mois") is not None:
                kwargs = self._followup_kwargs(v)
                existing = next(
                    (f for f in getattr(household, snapshot.FOLLOWUPS) if f.months_after == 6), None
                )
                if existing is None:
                    followups.append(FollowUp(household=household, months_after=6, **kwargs))
                else:
                    kwargs.pop("due_date")
                    if existing.done_on:
                        kwargs.pop("done_on")
                    dirty = [k for k, value in kwargs.items() if getattr(existing, k) != value]
                    for k in dirty:
                        setattr(existing, k, kwargs[k])
                    if dirty:
                        followup_updates.append(existing)
                        followup_fields.update(dirty)
            household.version += 1
            household_fields.add("version")
            household_updates.append(household)
        if household_updates:
            bulk_update_with_history(
                household_updates,
                Household,
                sorted(household_fields),
                batch_size=500,
                default_user=self.actor,
                default_change_reason=reason,
            )
        HouseholdStatusChange.objects.bulk_create(status_changes, batch_size=1000)
        # Superseded before the new records exist, so that the one-current-definitive constraint holds
        # at every statement; then linked to them (as rehousing.services._save_superseding does).
        old_records = [old for old, _ in superseded]
        if old_records:
            bulk_update_with_history(
                old_records,
                Rehousing,
                ["superseded_on"],
                batch_size=500,
                default_user=self.actor,
                default_change_reason=snapshot.IMPORT_SUPERSEDED_REASON,
            )
        bulk_create_with_history(
            rehousings, Rehousing, batch_size=500, default_user=self.actor, default_change_reason=reason
        )
        if old_records:
            for old, new in superseded:
                old.superseded_by_id = new.pk
            bulk_update_with_history(
                old_records,
                Rehousing,
                ["superseded_by"],
                batch_size=500,
                default_user=self.actor,
                default_change_reason=snapshot.IMPORT_SUPERSEDED_REASON,
            )
        if rehousing_updates:
            bulk_update_with_history(
                rehousing_updates,
                Rehousing,
                sorted(rehousing_fields),
                default_user=self.actor,
                default_change_reason=reason,
            )
        bulk_create_with_history(
            followups, FollowUp, batch_size=500, default_user=self.actor, default_change_reason=reason
        )
        if followup_updates:
            bulk_update_with_history(
                followup_updates,
                FollowUp,
                sorted(followup_fields),
                default_user=self.actor,
                default_change_reason=reason,
            )

    def _write_proposals(self, plan) -> None:
        reason_text = snapshot.IMPORT_REASON
        created, updates, fields = [], [], set()
        for row, existing, changed in plan:
            v = row.values
            refusal = self.refusal_reasons.get(v["motif_refus"].casefold()) if v.get("motif_refus") else None
            values = {PROPOSAL_FIELDS[c]: v[c] for c in PROPOSAL_FIELDS if v.get(c) is not None}
            if refusal is not None:
                values["refusal_reason_text"] = refusal.label
            if existing is None:
                key = (row.project.pk, v["ref_menage"])
                household_pk = self._household_pk(key)
                created.append(
                    Proposal(
                        household_id=household_pk,
                        status=ANSWER_STATUS[v["reponse"]],
                        positioned_by=self.actor,
                        landlord_name=v["bailleur"],
                        commune=self.communes[v["commune_insee"]],
                        notified_date=v["date_proposition"],
                        refusal_reason=refusal,
                        **values,
                    )
                )
                continue
            for column in changed:
                model_field = PROPOSAL_FIELDS[column]
                setattr(existing, model_field, values[model_field])
                fields.add(model_field)
            if "reponse" in changed:
                if existing.answer != Answer.REFUSED:
                    existing.refusal_reason, existing.refusal_reason_text = None, ""
                    fields.update({"refusal_reason", "refusal_reason_text"})
                if existing.offer_id is None:
                    existing.status = ANSWER_STATUS[existing.answer]
                    fields.add("status")
            if "motif_refus" in changed:
                existing.refusal_reason = refusal
                fields.add("refusal_reason")
            updates.append(existing)
        now = timezone.now()
        for proposal in created:
            proposal.positioned_at = now
        bulk_create_with_history(
            created, Proposal, batch_size=500, default_user=self.actor, default_change_reason=reason_text
        )
        if updates:
            bulk_update_with_history(
                updates, Proposal, sorted(fields), default_user=self.actor, default_change_reason=reason_text
            )

    def _warn_possible_duplicates(self, rows: list[Row]) -> None:
        """Possible duplicates of the households the file creates (duplicates.imports): warnings only."""
        new = []
        for row in rows:
            if row.household_pk:
                continue
            key = (row.project.pk, row.values["batiment"])
            building = self.buildings.get(key)
            new.append(
                NewRow(
                    number=row.number,
                    building_key=key,
                    building_pk=building.pk if building else None,
                    reference_name=row.values.get("nom_referent") or "",
                    reference_age=row.values.get("age_referent"),
                )
            )
        for duplicate in import_duplicates(new):
            self.report.warn(MENAGES, duplicate.number, "nom_referent", "", duplicate.message)

    # --- run ------------------------------------------------------------------------------------

    def run(self, *, dry_run: bool = False) -> ImportReport:
        report = self.report
        report.dry_run = dry_run
        self.progress("Lecture des lignes", 0, 0)
        rows = self._parse_sheet(MENAGES)
        self.proposal_rows = self._parse_sheet(PROPOSITIONS)
        if any(i.row == 1 or i.row is None for i in report.errors):
            return report
        self.progress("Vérification", 0, 0)
        self._load_referential()
        self._validate_households(rows)
        self._validate_proposals(self.proposal_rows)
        self._index_stored_households()
        self._check_splits(rows)
        self._check_proposal_households(self.proposal_rows)
        if report.errors:
            return report
        self._normalise_households(rows)
        self._match_stored(rows)
        self._check_buildings(rows)
        if report.errors:  # a building named without landlord nor owner
            return report
        self._warn_possible_duplicates(rows)
        if dry_run:
            report.households.created = len(rows) - len(self.stored_rows)
            for chunk in self._stored_chunks():
                self._compared_households(chunk)
            for _ in self._proposal_chunks():
                pass
            return report
        self.progress("Enregistrement", 0, len(rows))
        try:
            with transaction.atomic():
                self._write(rows)
        except _StoredHistoryError:
            report.households.created = report.households.updated = report.households.unchanged = 0
            return report
        report.imported = True
        return report


def exchange_import(
    *, sheets: dict[str, RawSheet], actor=None, dry_run: bool = False, allowed_project_ids=None, progress=None
) -> ImportReport:
    """Validate the whole file, then (unless ``dry_run``) write it in one transaction.

    ``allowed_project_ids``: the projects the actor may import into (None: every project).
    """
    importer = Importer(sheets, actor=actor, allowed_project_ids=allowed_project_ids, progress=progress)
    return importer.run(dry_run=dry_run)


__all__ = ["exchange_import", "FINE_STATUS", "ExitReason", "HousingStock"]
