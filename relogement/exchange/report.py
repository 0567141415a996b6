"""The import report: errors and warnings located by sheet, row and column, plus the counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from relogement.core.formatting import format_number


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


@dataclass
class ImportReport:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    households: Counts = field(default_factory=Counts)
    proposals: Counts = field(default_factory=Counts)
    dry_run: bool = False
    imported: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, sheet, row, column, value, message) -> None:
        self.errors.append(Issue(sheet, row, column, value, message))

    def warn(self, sheet, row, column, value, message) -> None:
        self.warnings.append(Issue(sheet, row, column, value, message))

    def summary(self) -> str:
        if self.errors:
            return (
                f"Fichier refusé : {format_number(len(self.errors))} erreur(s). Rien n'a été enregistré ; "
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
        if self.warnings:
            lines.append("Avertissements :")
            lines.extend(f"- {issue}" for issue in self.warnings)
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(
            errors=[Issue(**i) for i in data.get("errors", [])],
            warnings=[Issue(**i) for i in data.get("warnings", [])],
            households=Counts(**data.get("households", {})),
            proposals=Counts(**data.get("proposals", {})),
            dry_run=data.get("dry_run", False),
            imported=data.get("imported", False),
        )
