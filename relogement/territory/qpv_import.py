"""Import of the official QPV list (ANCT / data.gouv format): ``code_qp``, ``lib_qp``, ``insee_com``,
``siren_epci`` and an optional geometry column holding GeoJSON text.

A QPV may span several communes: the official file then has one row per (QPV, commune), and the rows
are merged. The whole file is validated before anything is written; any error leaves the database
unchanged.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.territory.models import Commune, Qpv

REQUIRED_COLUMNS = ["code_qp", "lib_qp", "insee_com", "siren_epci"]
GEOMETRY_COLUMNS = ["geometry", "geom", "geojson", "geo_shape"]
QPV_CODE = re.compile(r"^Q[A-Z0-9]{7,9}$")
INSEE_CODE = re.compile(r"^\d[\dAB]\d{3}$")
MEL_SIREN = "200093201"


@dataclass
class QpvImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_rows: int = 0
    unknown_communes: set[str] = field(default_factory=set)


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def import_qpv(path: Path, *, epci: str | None = None) -> QpvImportResult:
    """Validate then import the file; raise DomainError (French, with line numbers) on bad input."""
    if not Path(path).exists():
        raise DomainError(f"Fichier introuvable : {path}")
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines(), dialect=_sniff_dialect(text[:4096]))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DomainError(
            f"Colonnes manquantes : {', '.join(missing)} (attendu : {', '.join(REQUIRED_COLUMNS)})."
        )
    geometry_column = next((c for c in GEOMETRY_COLUMNS if c in columns), None)
    errors: list[str] = []
    result = QpvImportResult()
    qpvs: dict[str, dict] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        code, name, insee, siren = (row[c] for c in REQUIRED_COLUMNS)
        if epci and siren != epci:
            result.skipped_rows += 1
            continue
        if not QPV_CODE.match(code):
            errors.append(f"ligne {line} : code QPV « {code} » invalide (format attendu QNXXXYYZ)")
            continue
        if not name:
            errors.append(f"ligne {line} : nom du QPV manquant")
        insee_codes = [c.strip() for c in re.split(r"[;,]", insee) if c.strip()]
        if not insee_codes or any(not INSEE_CODE.match(c) for c in insee_codes):
            errors.append(f"ligne {line} : code INSEE « {insee} » invalide")
        if siren and not re.fullmatch(r"\d{9}", siren):
            errors.append(f"ligne {line} : SIREN d'EPCI « {siren} » invalide (9 chiffres)")
        outline = None
        if geometry_column and row.get(geometry_column):
            try:
                outline = json.loads(row[geometry_column])
            except json.JSONDecodeError:
                errors.append(f"ligne {line} : géométrie illisible (GeoJSON attendu)")
            else:
                if not isinstance(outline, dict) or "type" not in outline:
                    errors.append(f"ligne {line} : géométrie illisible (GeoJSON attendu)")
                elif outline.get("type") == "Feature":
                    outline = outline.get("geometry")
        entry = qpvs.setdefault(code, {"name": name, "siren": siren, "outline": None, "communes": set()})
        entry["communes"].update(insee_codes)
        entry["outline"] = entry["outline"] or outline
    if errors:
        shown = errors[:20]
        more = f" … et {len(errors) - 20} autre(s)" if len(errors) > 20 else ""
        raise DomainError("Fichier QPV refusé, rien n'a été importé : " + " ; ".join(shown) + more + ".")
    _write(qpvs, result)
    return result


@transaction.atomic
def _write(qpvs: dict[str, dict], result: QpvImportResult) -> None:
    communes = {c.insee_code: c for c in Commune.objects.all()}
    existing = {q.code: q for q in Qpv.objects.prefetch_related("communes")}
    for code, entry in sorted(qpvs.items()):
        known = {communes[c] for c in entry["communes"] if c in communes}
        result.unknown_communes |= {c for c in entry["communes"] if c not in communes}
        qpv = existing.get(code)
        values = {"name": entry["name"], "epci_siren": entry["siren"], "outline": entry["outline"]}
        if qpv is None:
            qpv = Qpv.objects.create(code=code, **values)
            qpv.communes.set(known)
            result.created += 1
            continue
        changed = any(getattr(qpv, k) != v for k, v in values.items())
        if changed:
            for k, v in values.items():
                setattr(qpv, k, v)
            qpv.save()
        if set(qpv.communes.all()) != known:
            qpv.communes.set(known)
            changed = True
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
