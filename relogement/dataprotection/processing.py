"""The processing as the notice and the register describe it: purposes, legal bases, retention, rights.

What can be read from the code is read from it (the data categories from ``registry``, the recipients
from the predicates and the scope in ``recipients``, the retention period from
``households.retention``); what is a statement about the processing, not a fact of the data, is
written here once, in French, and used by both documents so that they never say two things.
"""

from __future__ import annotations

from dataclasses import dataclass

from relogement.households.retention import RETENTION_YEARS


@dataclass(frozen=True)
class Purpose:
    label: str
    legal_basis: str


PURPOSES: tuple[Purpose, ...] = (
    Purpose(
        "Recenser les ménages des bâtiments démolis ou réhabilités et établir leur diagnostic social",
        "Mission d'intérêt public (art. 6.1.e RGPD) : programme national de renouvellement urbain (ANRU)",
    ),
    Purpose(
        "Accompagner chaque ménage jusqu'à son relogement et après (visites, démarches, déménagement)",
        "Mission d'intérêt public (art. 6.1.e RGPD) ; notes de santé : art. 9.2.g et 9.2.h RGPD",
    ),
    Purpose(
        "Proposer des logements adaptés aux besoins et aux possibilités du ménage et en garder la trace",
        "Obligation légale du bailleur (art. 6.1.c RGPD) : CCH L.353-15 et L.442-6, loi du 1er septembre 1948 art. 13 bis",
    ),
    Purpose(
        "Suivre le ménage après son relogement (enquête de satisfaction à 6, 12 et 24 mois)",
        "Mission d'intérêt public (art. 6.1.e RGPD) : règlement de l'ANRU relatif au relogement",
    ),
    Purpose(
        "Piloter et évaluer le relogement du programme (indicateurs sans nom, secret statistique)",
        "Mission d'intérêt public (art. 6.1.e RGPD)",
    ),
)

DATA_SUBJECTS = (
    "Les ménages occupant les logements des bâtiments concernés par le projet, et chacun de leurs membres."
)

RETENTION = (
    f"Les données d'accompagnement sont conservées {RETENTION_YEARS} ans après le dernier contact avec le "
    "ménage, une fois le dossier clos ou le ménage sorti, puis anonymisées (référentiel de la CNIL "
    "relatif à l'accompagnement social, 2023). Les données sans nom utiles aux indicateurs "
    "(composition, ressources, logements) sont conservées. Les documents déposés au dossier (pièces "
    "d'identité, avis d'imposition, baux…) sont alors supprimés, fichiers compris ; un document retiré "
    "du dossier avant cette date voit son fichier effacé aussitôt."
)

RIGHTS: tuple[tuple[str, str], ...] = (
    ("Droit d'accès", "obtenir la communication de toutes les données vous concernant et une copie."),
    ("Droit de rectification", "faire corriger une donnée inexacte ou compléter une donnée incomplète."),
    (
        "Droit à l'effacement",
        "demander l'effacement de vos données, sauf lorsque leur conservation est nécessaire au "
        "respect d'une obligation légale (obligation de relogement, offres de logement) ou à la "
        "défense de droits en justice.",
    ),
    ("Droit à la limitation", "demander que vos données ne soient plus utilisées pendant une vérification."),
    (
        "Droit d'opposition",
        "vous opposer, pour des raisons tenant à votre situation particulière, à l'utilisation de "
        "vos données.",
    ),
)

COMPLAINT = (
    "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la "
    "Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, "
    "75334 Paris Cedex 07, ou sur www.cnil.fr."
)

TRANSFERS = "Aucun transfert de données hors de l'Union européenne."
