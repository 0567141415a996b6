"""The glossary: one dictionary of the abbreviations of the field, read by the ``abbr`` template filter
(``<abbr title="…">``) and by the glossary page (``/aide/glossaire/``).

Terms after docs DOMAIN.md §1 and §4 (the French vocabulary of urban renewal and rehousing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    abbreviation: str
    expansion: str
    definition: str


TERMS: tuple[Term, ...] = (
    Term(
        "ANRU",
        "Agence nationale pour la rénovation urbaine",
        "Finance les programmes de renouvellement urbain (PNRU puis NPNRU) et en fixe les objectifs de "
        "relogement : parcours résidentiels positifs, relogement dans le neuf ou le conventionné récent, "
        "mixité sociale, reste à charge maîtrisé.",
    ),
    Term(
        "APL",
        "aide personnalisée au logement",
        "Aide au logement versée pour un logement conventionné ; elle vient en déduction du loyer et des "
        "charges dans le calcul du reste à charge.",
    ),
    Term(
        "CAF",
        "caisse d'allocations familiales",
        "Organisme qui calcule et verse les aides au logement (APL, allocations de logement).",
    ),
    Term(
        "CALEOL",
        "commission d'attribution des logements et d'examen de l'occupation des logements",
        "Commission du bailleur social qui décide de l'attribution d'un logement à un ménage ; sa décision "
        "suit l'acceptation de la proposition par le ménage.",
    ),
    Term(
        "GIP",
        "groupement d'intérêt public",
        "Structure associant plusieurs partenaires publics ; à Lille, le GIP LMRU pilote le renouvellement "
        "urbain à l'échelle métropolitaine.",
    ),
    Term(
        "MEL",
        "Métropole européenne de Lille",
        "Intercommunalité de 95 communes qui pilote le relogement à l'échelle métropolitaine (charte "
        "métropolitaine de relogement).",
    ),
    Term(
        "MOUS",
        "maîtrise d'œuvre urbaine et sociale",
        "Équipe (bureau d'étude) chargée du relogement d'un projet : elle fait le lien entre le prestataire "
        "social et les partenaires et prépare les comités.",
    ),
    Term(
        "NPNRU",
        "nouveau programme national de renouvellement urbain",
        "Programme lancé en 2014, financé par l'ANRU, qui prévoit environ 114 000 démolitions de logements "
        "sociaux en quartiers prioritaires.",
    ),
    Term(
        "NPRU",
        "projet de renouvellement urbain du NPNRU",
        "Projet d'un quartier inscrit au nouveau programme national de renouvellement urbain.",
    ),
    Term(
        "OPAH",
        "opération programmée d'amélioration de l'habitat",
        "Dispositif d'aide à la réhabilitation de logements privés sur un périmètre donné.",
    ),
    Term(
        "PNRU",
        "programme national de rénovation urbaine",
        "Premier programme de l'ANRU (2004–2020), environ 136 000 démolitions de logements sociaux.",
    ),
    Term(
        "PRU",
        "projet de renouvellement urbain",
        "Projet d'un quartier (site) qui démolit ou réhabilite des bâtiments et dont les ménages sont relogés.",
    ),
    Term(
        "QPV",
        "quartier prioritaire de la politique de la ville",
        "Quartier défini par l'État selon le revenu de ses habitants ; reloger hors QPV est un objectif de "
        "mixité sociale.",
    ),
    Term(
        "RAC",
        "reste à charge",
        "Loyer + charges − aide au logement (APL) − réduction de loyer de solidarité (RLS), par mois ; "
        "le taux d'effort est le reste à charge divisé par les ressources mensuelles.",
    ),
    Term(
        "RHI",
        "résorption de l'habitat insalubre",
        "Opération publique d'acquisition et de traitement d'un habitat insalubre irrémédiable, avec "
        "relogement des occupants.",
    ),
    Term(
        "RLS",
        "réduction de loyer de solidarité",
        "Baisse du loyer appliquée par le bailleur social aux locataires dont les ressources sont sous un "
        "plafond ; elle vient en déduction dans le calcul du reste à charge.",
    ),
    Term(
        "SNE",
        "système national d'enregistrement de la demande de logement social",
        "Registre national des demandes de logement social ; le numéro unique de la demande (numéro SNE) "
        "est créé ou mis à jour pour chaque ménage à reloger.",
    ),
)

GLOSSARY: dict[str, Term] = {term.abbreviation: term for term in TERMS}

# Longest first so that "NPNRU" is never read as "PNRU" or "NPRU"; whole words only.
WORD = re.compile(r"(?<![\w-])(" + "|".join(sorted(GLOSSARY, key=len, reverse=True)) + r")(?![\w-])")


def expansion(abbreviation: str) -> str:
    term = GLOSSARY.get(abbreviation)
    return term.expansion if term else ""
