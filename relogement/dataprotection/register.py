"""The register of processing activities (art. 30 RGPD), generated from the code so that it cannot
drift from what the application does: the data categories and their fields from the ``registry``,
who receives each of them from the predicates and the scope (``recipients``), the retention from the
retention service, the history and the read log from the models. Only the statements of purpose and
legal basis are text (``processing``), shared with the information notice."""

from __future__ import annotations

from dataclasses import dataclass

from relogement.dataprotection import processing
from relogement.dataprotection.controller import Controller, controller_for
from relogement.dataprotection.recipients import (
    ROLE_LABELS,
    CategoryRecipients,
    recipients_by_category,
    roles_allowed,
)
from relogement.dataprotection.registry import EXCLUDED, TABLES, history_tables


@dataclass
class ProcessingRegister:
    controller: Controller
    purposes: tuple[processing.Purpose, ...]
    data_subjects: str
    categories: list[CategoryRecipients]
    retention: str
    transfers: str
    tables: list[str]
    history_tables: list[str]
    excluded: dict[str, str]
    measures: list[str]


def _measures() -> list[str]:
    dpo_roles = [ROLE_LABELS[kind] for kind in roles_allowed("can_handle_data_subject_requests")]
    return [
        "Accès individuel par identifiant et mot de passe ; chaque organisation ne voit que les ménages "
        "de son périmètre (réponse « page introuvable » au-delà).",
        "Notes sociales et note de santé lues par la seule organisation qui les détient, tant qu'elle "
        "est le prestataire du ménage.",
        "Données pseudonymisées pour la métropole, secret statistique (aucun effectif inférieur à 5).",
        "Journal des consultations de chaque dossier nominatif (qui, quand, quelle page).",
        f"Historique de chaque modification de {len(history_tables())} tables (auteur, date, motif).",
        "Outils du délégué à la protection des données (accès, effacement, notice) réservés à : "
        + ", ".join(dpo_roles)
        + " ; chaque dossier ouvert par ces outils est inscrit au journal des consultations.",
        "Anonymisation automatique à l'issue de la durée de conservation ; effacement sur demande journalisé.",
    ]


def processing_register() -> ProcessingRegister:
    return ProcessingRegister(
        controller=controller_for(None),
        purposes=processing.PURPOSES,
        data_subjects=processing.DATA_SUBJECTS,
        categories=recipients_by_category(),
        retention=processing.RETENTION,
        transfers=processing.TRANSFERS,
        tables=[table.title for table in TABLES],
        history_tables=[table.title for table in history_tables()],
        excluded=EXCLUDED,
        measures=_measures(),
    )
