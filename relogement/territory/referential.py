"""Load the territory referential (communes, housing zones, NPNRU sites) from the shared data folder.

Every loader uses ``update_or_create`` on a natural key, so a rerun changes nothing and a corrected
source file updates the rows in place. Files are described in ``SOURCES.md`` next to them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from relogement.core.errors import DomainError
from relogement.territory.models import Commune

COMMUNES_CSV = "mel_communes.csv"
COMMUNES_GEOJSON = "mel_communes.geojson"
ZONES_CSV = "mel_zonages_logement.csv"
SITES_CSV = "mel_npnru_sites.csv"

# Default refusal reasons (code, label): configurable data, created once and never overwritten
# (an administrator may rename a label; the label is copied onto each refusal anyway).
DEFAULT_REFUSAL_REASONS = [
    ("localisation", "Localisation du logement"),
    ("typologie", "Typologie ou taille du logement"),
    ("loyer", "Loyer ou reste à charge trop élevé"),
    ("etage-accessibilite", "Étage ou accessibilité"),
    ("etat-logement", "État du logement"),
    ("environnement", "Environnement ou voisinage"),
    ("rester-quartier", "Souhaite rester dans le quartier"),
    ("autre", "Autre motif"),
]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[what] = target.get(what, 0) + 1

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        return [
            f"{name} : {self.created.get(name, 0)} créé(s), {self.updated.get(name, 0)} inchangé(s) ou mis à jour"
            for name in names
        ]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise DomainError(f"Fichier introuvable : {path}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _require(row: dict, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise DomainError(f"Colonnes manquantes dans {path.name} : {', '.join(missing)}")


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value not in ("", None) else None
    except InvalidOperation:
        return None


def _int(value: str) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _outlines(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        feature["properties"]["insee_code"]: feature["geometry"]
        for feature in data.get("features", [])
        if feature.get("properties", {}).get("insee_code")
    }


def _differs(obj, name: str, value) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _save_if_changed(model, lookup: dict, values: dict):
    """update_or_create that writes nothing (and adds no history row) when nothing changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "Chargement du référentiel"
        obj.save()
        return obj, True
    if any(_differs(obj, name, value) for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj._change_reason = "Mise à jour du référentiel"
        obj.save()
    return obj, False


def load_communes(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / COMMUNES_CSV
    rows = _read_csv(path)
    if rows:
        _require(rows[0], ["insee_code", "siren", "nom", "codes_postaux", "population_municipale"], path)
    outlines = _outlines(data_dir / COMMUNES_GEOJSON)
    for row in rows:
        area = _decimal(row.get("superficie_km2", ""))
        values = {
            "name": row["nom"],
            "siren": row["siren"],
            "postal_codes": row["codes_postaux"],
            "population": _int(row["population_municipale"]),
            "area_km2": area.quantize(Decimal("0.01")) if area is not None else None,
            "centroid_lat": _float(row.get("centroid_lat", "")),
            "centroid_lon": _float(row.get("centroid_lon", "")),
            "outline": outlines.get(row["insee_code"]),
        }
        _, created = _save_if_changed(Commune, {"insee_code": row["insee_code"]}, values)
        report.count("communes", created)


def load_zones(data_dir: Path, report: LoadReport) -> None:
    path = data_dir / ZONES_CSV
    rows = _read_csv(path)
    if rows:
        _require(rows[0], ["insee_code", "zone_apl", "zone_abc_2024"], path)
    communes = {c.insee_code: c for c in Commune.objects.all()}
    for row in rows:
        commune = communes.get(row["insee_code"])
        if commune is None:
            raise DomainError(
                f"{path.name} : commune {row['insee_code']} inconnue (chargez d'abord les communes)."
            )
        _save_if_changed(
            Commune,
            {"pk": commune.pk},
            {"zone_apl": _int(row["zone_apl"]), "zone_abc": row["zone_abc_2024"].strip()},
        )
        report.count("zonages", False)


def load_projects(data_dir: Path, report: LoadReport) -> None:
    from relogement.projects.models import Project

    path = data_dir / SITES_CSV
    rows = _read_csv(path)
    if rows:
        _require(rows[0], ["site_npru_mel", "insee_code", "phase_convention", "date_approbation_mel"], path)
    communes = {c.insee_code: c for c in Commune.objects.all()}
    for row in rows:
        name = row["site_npru_mel"].strip()
        commune = communes.get(row["insee_code"])
        if commune is None:
            raise DomainError(f"{path.name} : commune {row['insee_code']} inconnue pour le site « {name} ».")
        approval = row.get("date_approbation_mel", "")
        values = {
            "name": name,
            "commune": commune,
            "neighbourhood": " ".join((row.get("quartier_npnru") or "").split()),
            "level": (row.get("niveau") or "").strip()[:10],
            "phase": _int(row.get("phase_convention", "")),
            "approval_date": dt.date.fromisoformat(approval) if approval else None,
        }
        _, created = _save_if_changed(Project, {"code": slugify(name)}, values)
        report.count("projets", created)


def load_refusal_reasons(report: LoadReport) -> None:
    from relogement.offers.models import RefusalReason

    for code, label in DEFAULT_REFUSAL_REASONS:
        _, created = RefusalReason.objects.get_or_create(code=code, defaults={"label": label})
        report.count("motifs de refus", created)


@transaction.atomic
def load_referential(data_dir: Path) -> LoadReport:
    report = LoadReport()
    load_communes(data_dir, report)
    load_zones(data_dir, report)
    load_projects(data_dir, report)
    load_refusal_reasons(report)
    return report
