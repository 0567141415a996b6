"""The kinds of household documents and the rule of the file each one follows.

A document shows what the section of the file it belongs to shows: an identity card shows the members'
birth dates, a tax notice the resources, a social report the social notes. So each kind names the
predicate of ``permissions/predicates.py`` under which the file shows that content, and a document is
seen by whoever sees that content (``predicates.can_view_document``). No app import here: the
predicates read this module.
"""

from __future__ import annotations

from django.db import models


class DocumentKind(models.TextChoices):
    IDENTITY = "identite", "Pièce d'identité ou titre de séjour"
    TAX_NOTICE = "avis_imposition", "Avis d'imposition"
    RESOURCES = "justificatif_ressources", "Justificatif de ressources (CAF, salaires, pensions)"
    LEASE = "bail", "Bail ou contrat de location"
    CALEOL = "decision_caleol", "Décision de la CALEOL"
    NOTICE = "notice_information", "Notice d'information signée"
    LETTER = "courrier", "Courrier (proposition, notification, accusé de réception)"
    SOCIAL = "document_social", "Document social (rapport, évaluation, courrier d'un service social)"
    HEALTH = "sante", "Document de santé (certificat médical, reconnaissance de handicap)"
    OTHER = "autre", "Autre document"


# Kinds that are social notes: held by the social provider that uploaded them, like the support log
# and the health note (predicates.can_view_social_note), and handed over with the social file.
SOCIAL_KINDS = frozenset({DocumentKind.SOCIAL, DocumentKind.HEALTH})

# kind → the predicate (user, household) under which the file shows the same content; None: every
# role that sees named data (predicates.can_view_named_data). Social kinds are decided by their holder.
KIND_RULES: dict[str, str | None] = {
    DocumentKind.IDENTITY: "can_view_member_details",
    DocumentKind.TAX_NOTICE: "can_view_resources",
    DocumentKind.RESOURCES: "can_view_resources",
    DocumentKind.LEASE: None,
    DocumentKind.CALEOL: None,
    DocumentKind.NOTICE: None,
    DocumentKind.LETTER: None,
    DocumentKind.OTHER: None,
}

# Who sees each kind, as the upload form says it (French).
KIND_AUDIENCE: dict[str, str] = {
    DocumentKind.IDENTITY: "prestataire, MOUS, commune (pas le bailleur)",
    DocumentKind.TAX_NOTICE: "prestataire, MOUS, commune (pas le bailleur)",
    DocumentKind.RESOURCES: "prestataire, MOUS, commune (pas le bailleur)",
    DocumentKind.LEASE: "prestataire, MOUS, commune, bailleur",
    DocumentKind.CALEOL: "prestataire, MOUS, commune, bailleur",
    DocumentKind.NOTICE: "prestataire, MOUS, commune, bailleur",
    DocumentKind.LETTER: "prestataire, MOUS, commune, bailleur",
    DocumentKind.SOCIAL: "votre organisation seulement (note sociale)",
    DocumentKind.HEALTH: "votre organisation seulement (note sensible)",
    DocumentKind.OTHER: "prestataire, MOUS, commune, bailleur",
}
