"""The import report: errors and warnings located by sheet, row and column, plus the counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from relogement.core.formatting import format_number
from relogement.exchange.limits import import_limits


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"Feuille « {self.sheet} »"
        if self.row:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne « {self.column} »"
        if self.value:
            where += f", valeur « {self.value} »"
        return f"{where} : {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _issues_kept() -> int:
    return import_limits().report_issues


@dataclass
class ImportReport:
    """Errors and warnings beyond ``ImportLimits.report_issues`` each are counted, not kept: a file of
    200,000 rows of invalid cells would otherwise hold millions of them (and store them in its job)."""

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    households: Counts = field(default_factory=Counts)
    proposals: Counts = field(default_factory=Counts)
    dry_run: bool = False
    imported: bool = False
    errors_omitted: int = 0
    warnings_omitted: int = 0
    kept: int = field(default_factory=_issues_kept, repr=False)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.warnings_omitted

    def error(self, sheet, row, column, value, message) -> None:
        if len(self.errors) < self.kept:
            self.errors.append(Issue(sheet, row, column, value, message))
        else:
            self.errors_omitted += 1

    def warn(self, sheet, row, column, value, message) -> None:
        if len(self.warnings) < self.kept:
            self.warnings.append(Issue(sheet, row, column, value, message))
        else:
            self.warnings_omitted += 1

    def summary(self) -> str:
        if self.errors:
            return (
                f"Fichier refusé : {format_number(self.error_count)} erreur(s). Rien n'a été enregistré ; "
                "corrigez les lignes signalées puis importez à nouveau le fichier."
            )
        h, p, n = self.households, self.proposals, format_number
        head = "Simulation (rien n'a été enregistré)" if self.dry_run else "Import terminé"
        return (
            f"{head} : ménages — {n(h.created)} créé(s), {n(h.updated)} mis à jour, "
            f"{n(h.unchanged)} inchangé(s) ; propositions — {n(p.created)} créée(s), "
            f"{n(p.updated)} mise(s) à jour, {n(p.unchanged)} inchangée(s)."
        )

    def text(self) -> str:
        lines = [self.summary()]
        if self.errors:
            lines.append("Erreurs :")
            lines.extend(f"- {issue}" for issue in self.errors)
            if self.errors_omitted:
                lines.append(
                    f"- … et {format_number(self.errors_omitted)} autre(s) erreur(s) non détaillée(s)."
                )
        if self.warnings:
            lines.append("Avertissements :")
            lines.extend(f"- {issue}" for issue in self.warnings)
            if self.warnings_omitted:
                lines.append(
                    f"- … et {format_number(self.warnings_omitted)} autre(s) avertissement(s) non détaillé(s)."
                )
        return "\n".join(lines)

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["kept"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(
            errors=[Issue(**i) for i in data.get("errors", [])],
            warnings=[Issue(**i) for i in data.get("warnings", [])],
            households=Counts(**data.get("households", {})),
            proposals=Counts(**data.get("proposals", {})),
            dry_run=data.get("dry_run", False),
            imported=data.get("imported", False),
            errors_omitted=data.get("errors_omitted", 0),
            warnings_omitted=data.get("warnings_omitted", 0),
        )
