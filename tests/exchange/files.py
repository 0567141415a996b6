"""Small exchange files written by hand for the tests."""

from relogement.exchange.columns import MENAGES_COLUMNS, PROPOSITIONS_COLUMNS
from relogement.exchange.readers import read_csv_bytes

MENAGE = {
    "ref_menage": "IMP-001",
    "projet": "lille-concorde",
    "batiment": "BAT-A",
    "bailleur_origine": "Bailleur Nord",
    "commune_origine_insee": "59350",
    "date_recensement": "2024-01-15",
    "nb_adultes": "2",
    "nb_enfants": "1",
    "statut": "en_recherche",
    "date_diagnostic": "2024-02-01",
}

PROPOSITION = {
    "ref_menage": "IMP-001",
    "projet": "lille-concorde",
    "date_proposition": "2024-03-01",
    "bailleur": "Bailleur Nord",
    "commune_insee": "59350",
    "reponse": "refusee",
    "date_reponse": "2024-03-10",
    "motif_refus": "Trop loin de l'école",
}


def csv_bytes(rows: list[dict], columns=None, sep=";", bom=False) -> bytes:
    names = columns or [c.name for c in MENAGES_COLUMNS if any(c.name in r for r in rows)]
    lines = [sep.join(names)]
    for row in rows:
        lines.append(sep.join(str(row.get(n, "")) for n in names))
    text = "\n".join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def sheets(menages: list[dict], propositions: list[dict] | None = None) -> dict:
    result = {"menages": read_csv_bytes(csv_bytes(menages), "menages", "menages.csv")}
    if propositions is not None:
        columns = [c.name for c in PROPOSITIONS_COLUMNS if any(c.name in r for r in propositions)]
        result["propositions"] = read_csv_bytes(
            csv_bytes(propositions, columns), "propositions", "propositions.csv"
        )
    return result


def menage(**overrides) -> dict:
    row = dict(MENAGE)
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def proposition(**overrides) -> dict:
    row = dict(PROPOSITION)
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}
