"""The inventory of what Relogement holds about a household: every table, every field, its category
and the predicate under which the pages show it.

One list read by the subject-access export (what to hand over), the register of processing (the data
categories and who receives them) and the review of changes (which tables have a history). It is
checked against the models themselves (``tests/dataprotection/test_registry.py``): every model that
holds a foreign key to a household, or to a table listed here, must be listed (or excluded with a
reason below), and every column of a listed model must be listed or skipped, so that a new model or a
new field cannot be forgotten by the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models


class Category(models.TextChoices):
    IDENTITY = "identite", "Identité et identifiants"
    COMPOSITION = "composition", "Composition du ménage"
    RESOURCES = "ressources", "Ressources et situation financière"
    HOUSING = "logement", "Logement d'origine et parcours résidentiel"
    NEEDS = "besoins", "Besoins et souhaits"
    SOCIAL = "notes_sociales", "Notes sociales (diagnostic, journal, prochaines étapes)"
    HEALTH = "sante", "Santé (donnée sensible, art. 9 RGPD)"
    PROCEDURE = "procedure", "Déroulement du relogement (statuts, propositions, prestataire)"
    FOLLOWUP = "suivi", "Suivi post-relogement (avis et situation)"
    TRACE = "tracabilite", "Traçabilité (auteurs, consultations, effacements)"
    DOCUMENTS = "documents", "Documents déposés au dossier (pièces justificatives)"


@dataclass(frozen=True)
class Field:
    name: str
    category: str
    # The predicate of permissions/predicates.py under which the pages show the field; None: every
    # organisation whose scope reaches the household (permissions/scopes.py) sees it.
    rule: str | None = None


@dataclass(frozen=True)
class Table:
    model: str  # app_label.ModelName
    title: str  # French, as the export and the register print it
    archive_name: str  # file name in the machine-readable archive
    household_path: str  # lookup from the model to the household's id
    fields: tuple[Field, ...]
    # Columns deliberately not exported (technical), each one named so that the check sees them.
    skipped: tuple[str, ...] = ("id",)
    # A second lookup to the household, for rows between two households (duplicate decisions): the
    # subject-access export takes the rows matching either.
    other_household_path: str = ""

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def history_model(self) -> type[models.Model] | None:
        """The django-simple-history table of the model, if it has one."""
        history = getattr(self.model_class, "history", None)
        return getattr(history, "model", None)


def _f(category: str, rule: str | None, *names: str) -> tuple[Field, ...]:
    return tuple(Field(name, category, rule) for name in names)


C = Category
TABLES: tuple[Table, ...] = (
    Table(
        "households.Household",
        "Dossier du ménage",
        "menage",
        "pk",
        _f(C.IDENTITY, None, "reference", "pseudonym")
        + _f(C.IDENTITY, "can_view_names", "reference_name", "sne_number")
        + _f(C.COMPOSITION, None, "household_type", "adults_count", "children_count", "split_from")
        + _f(C.COMPOSITION, "can_view_names", "reference_age")
        + _f(C.RESOURCES, "can_view_resources", "monthly_resources")
        + _f(
            C.RESOURCES, "can_view_origin_costs", "rent_before", "charges_before", "apl_before", "rls_before"
        )
        + _f(
            C.HOUSING,
            None,
            "project",
            "building",
            "origin_dwelling",
            "tenancy_start",
            "origin_dwelling_type",
            "origin_living_area",
            "origin_floor",
            # On what title the household occupies its dwelling (decides its offer rule): shown in the
            # file's header to every role that reaches it.
            "occupancy_status",
        )
        + _f(
            C.NEEDS,
            None,
            "reduced_mobility",
            "needs_ground_floor_or_lift",
            "large_family",
            "has_pets",
            "specially_designed_dwelling",
        )
        + _f(C.HEALTH, "can_view_health_constraints", "health_note", "health_note_holder")
        + _f(
            C.PROCEDURE,
            None,
            "status",
            "exit_reason",
            "census_date",
            "social_provider",
            "information_notice_date",
        )
        + _f(C.PROCEDURE, "can_view_named_data", "referent")
        + _f(C.TRACE, None, "created_at", "updated_at", "anonymised_on"),
        skipped=("id", "version"),
    ),
    Table(
        "households.HouseholdMember",
        "Membres du ménage",
        "membres",
        "household_id",
        _f(C.IDENTITY, "can_view_names", "first_name", "last_name")
        + _f(C.IDENTITY, "can_view_member_details", "birth_date")
        + _f(C.COMPOSITION, "can_view_names", "relation")
        + _f(C.RESOURCES, "can_view_member_details", "employment"),
        skipped=("id", "household"),
    ),
    Table(
        "households.ResourceLine",
        "Ressources",
        "ressources",
        "household_id",
        _f(C.RESOURCES, "can_view_resources", "kind", "monthly_amount"),
        # The member is named in the members' table; the link says nothing more about the person.
        skipped=("id", "household", "member"),
    ),
    Table(
        "households.SocialDiagnosis",
        "Diagnostics sociaux",
        "diagnostics",
        "household_id",
        _f(C.SOCIAL, "can_view_diagnosis_conclusions", "date", "conclusions")
        + _f(C.SOCIAL, "can_view_social_notes", "findings", "support_level")
        + _f(C.RESOURCES, "can_view_social_notes", "rent_arrears", "debts")
        + _f(C.TRACE, "can_view_social_notes", "author", "organisation", "holder"),
        skipped=("id", "household"),
    ),
    Table(
        "households.SupportLogEntry",
        "Journal d'accompagnement",
        "journal",
        "household_id",
        _f(C.SOCIAL, "can_view_support_log", "kind", "date", "summary")
        + _f(C.TRACE, "can_view_support_log", "author", "organisation", "holder", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "households.NextStep",
        "Prochaines étapes",
        "etapes",
        "household_id",
        _f(C.SOCIAL, "can_view_next_steps", "title", "due_date", "done_on", "assignee"),
        skipped=("id", "household"),
    ),
    Table(
        "households.Wishes",
        "Souhaits",
        "souhaits",
        "household_id",
        _f(
            C.NEEDS,
            None,
            "dwelling_types",
            "housing_kind",
            "age",
            "max_floor",
            "needs_lift",
            "max_residual_rent",
        ),
        skipped=("id", "household"),
    ),
    Table(
        "households.WishedLocation",
        "Localisations souhaitées",
        "localisations_souhaitees",
        "wishes__household_id",
        _f(C.NEEDS, None, "rank", "commune", "neighbourhood"),
        skipped=("id", "wishes"),
    ),
    Table(
        "households.HouseholdStatusChange",
        "Historique des statuts",
        "statuts",
        "household_id",
        _f(C.PROCEDURE, None, "from_status", "to_status", "effective_date", "reason")
        + _f(C.TRACE, None, "actor", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "households.ProviderReassignment",
        "Changements de prestataire social",
        "changements_prestataire",
        "household_id",
        _f(
            C.PROCEDURE,
            "can_view_provider_changes",
            "from_provider",
            "to_provider",
            "social_file_handed_over",
            "reason",
        )
        + _f(C.TRACE, "can_view_provider_changes", "actor", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "offers.Proposal",
        "Propositions de logement",
        "propositions",
        "household_id",
        _f(
            C.PROCEDURE,
            None,
            "status",
            "notified_date",
            "visit_date",
            "answer_deadline",
            "answer",
            "answer_date",
            "refusal_reason",
            "refusal_reason_text",
            "is_compliant",
            "compliance_note",
            "stock_kind",
            "commission_date",
            "commission_decision",
            "lease_date",
            "move_in_date",
        )
        + _f(
            C.HOUSING,
            None,
            "offer",
            "landlord_name",
            "commune",
            "dwelling_type",
            "living_area",
            "rent",
            "charges",
            "in_qpv",
        )
        + _f(C.TRACE, None, "positioned_at", "positioned_by"),
        skipped=("id", "household"),
    ),
    Table(
        "offers.ProposalTransition",
        "Étapes des propositions",
        "etapes_propositions",
        "proposal__household_id",
        _f(C.PROCEDURE, None, "proposal", "from_status", "to_status", "reason")
        + _f(C.TRACE, None, "actor", "created_at"),
        skipped=("id",),
    ),
    # Governance (docs/governance.md): committee flags, cases and decisions, actions, CALEOL outcomes.
    Table(
        "governance.CommitteeFlag",
        "Signalements pour le comité de relogement",
        "signalements_comite",
        "household_id",
        _f(C.PROCEDURE, None, "reason", "organisation", "closed_at")
        + _f(C.TRACE, None, "flagged_by", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "governance.CommitteeCase",
        "Passages en comité de relogement",
        "comites",
        "household_id",
        _f(
            C.PROCEDURE,
            None,
            "committee",
            "reasons",
            "flag",
            "pending_proposal",
            "removed_at",
            "decision",
            "decision_note",
            "offer",
            "proposal",
            "decided_at",
        )
        + _f(C.TRACE, None, "decided_by"),
        skipped=("id", "household"),
    ),
    Table(
        "governance.Action",
        "Actions de suivi décidées",
        "actions_suivi",
        "household_id",
        _f(
            C.PROCEDURE,
            None,
            "title",
            "owner_organisation",
            "owner_person",
            "due_date",
            "status",
            "committee_case",
            "group_decision",
        )
        + _f(C.TRACE, None, "created_by", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "governance.CommissionItem",
        "Décisions de CALEOL",
        "decisions_caleol",
        "proposal__household_id",
        _f(
            C.PROCEDURE,
            None,
            "session",
            "proposal",
            "outcome",
            "rank",
            "reason",
            "decided_at",
            "confirmed_on",
        )
        + _f(C.TRACE, None, "decided_by"),
        skipped=("id",),
    ),
    # Grievances (docs/governance.md § Grievances): the metadata to every role with named data, the
    # text and the answer under can_read_grievance_text; the metropolis reads aggregates only.
    Table(
        "grievances.Grievance",
        "Réclamations",
        "reclamations",
        "household_id",
        _f(
            C.PROCEDURE,
            "can_list_grievances",
            "category",
            "channel",
            "received_on",
            "responsible",
            "recorded_by_organisation",
            "status",
            "acknowledgement_due",
            "resolution_due",
            "acknowledged_on",
            "closed_on",
            "household_agrees",
        )
        + _f(C.PROCEDURE, "can_read_grievance_text", "description", "outcome")
        + _f(C.TRACE, "can_list_grievances", "author"),
        skipped=("id", "household"),
    ),
    Table(
        "grievances.GrievanceTransition",
        "Traitement des réclamations (remontées, clôture)",
        "reclamations_transitions",
        "grievance__household_id",
        _f(C.PROCEDURE, "can_list_grievances", "grievance", "from_status", "to_status")
        + _f(C.PROCEDURE, "can_read_grievance_text", "reason")
        + _f(C.TRACE, "can_list_grievances", "actor", "created_at"),
        skipped=("id",),
    ),
    Table(
        "requests.HandoffRequest",
        "Demandes entre organisations au sujet du ménage",
        "demandes",
        "household_id",
        _f(
            C.PROCEDURE,
            None,
            "sender_organisation",
            "recipient",
            "offer",
            "subject",
            "due_date",
            "status",
            "closed_at",
        )
        + _f(C.PROCEDURE, "can_view_named_data", "text")
        + _f(C.TRACE, None, "sender", "created_at"),
        skipped=("id", "household"),
    ),
    Table(
        "requests.RequestAnswer",
        "Réponses aux demandes",
        "demandes_reponses",
        "request__household_id",
        _f(C.PROCEDURE, None, "request", "organisation")
        + _f(C.PROCEDURE, "can_view_named_data", "text")
        + _f(C.TRACE, None, "author", "created_at"),
        skipped=("id",),
    ),
    Table(
        "requests.RequestTransition",
        "Traitement des demandes",
        "demandes_transitions",
        "request__household_id",
        _f(C.PROCEDURE, None, "request", "from_status", "to_status") + _f(C.TRACE, None, "actor", "at"),
        skipped=("id",),
    ),
    Table(
        "rehousing.Rehousing",
        "Relogements",
        "relogements",
        "household_id",
        _f(
            C.HOUSING,
            None,
            "kind",
            "proposal",
            "offer",
            "move_in_date",
            "landlord",
            "landlord_name",
            "commune",
            "address",
            "in_qpv",
            "housing_stock",
            "commissioning_date",
            "dwelling_type",
            "living_area",
            "right_to_return",
            "superseded_on",
        )
        + _f(C.RESOURCES, "can_view_destination_costs", "rent", "charges", "apl", "rls")
        + _f(C.PROCEDURE, None, "rent_reduction_payment", "rent_reduction_note"),
        skipped=("id", "household", "superseded_by"),
    ),
    Table(
        "followup.FollowUp",
        "Suivis post-relogement",
        "suivis",
        "household_id",
        _f(C.PROCEDURE, None, "months_after", "due_date", "done_on")
        + _f(
            C.FOLLOWUP,
            "can_view_followups",
            "information_received",
            "contact_person_known",
            "support_satisfaction",
            "home_satisfaction",
            "works_needed",
            "works_note",
            "rent_arrears",
            "adaptation_note",
        )
        + _f(C.TRACE, "can_view_followups", "author"),
        skipped=("id", "household"),
    ),
    # Who reads each document depends on its kind (predicates.can_view_document: identity papers and
    # tax notices not the landlord, social documents their holder only); can_view_documents is the
    # section's rule, the widest of them. The stored name (« file ») is technical: the archive holds
    # the files themselves (subject_access.archive_bytes).
    Table(
        "documents.HouseholdDocument",
        "Documents du dossier",
        "documents",
        "household_id",
        _f(
            C.DOCUMENTS,
            "can_view_documents",
            "kind",
            "title",
            "original_filename",
            "size",
            "content_type",
            "created_at",
            "deleted_at",
        )
        + _f(C.TRACE, "can_view_documents", "uploaded_by", "organisation", "holder", "deleted_by"),
        skipped=("id", "household", "file"),
    ),
    Table(
        "audit.FileRead",
        "Consultations du dossier",
        "consultations",
        "household_id",
        _f(C.TRACE, "can_view_access_log", "at", "organisation", "user", "what"),
        skipped=("id", "household"),
    ),
    Table(
        "dataprotection.ErasureRecord",
        "Effacements sur demande",
        "effacements",
        "household_id",
        _f(
            C.TRACE,
            "can_handle_data_subject_requests",
            "reference",
            "requested_on",
            "reason",
            "at",
            "actor",
            "organisation",
        ),
        skipped=("id", "household"),
    ),
    Table(
        "duplicates.DuplicateDecision",
        "Décisions sur des doublons possibles",
        "doublons",
        "household_low_id",
        _f(C.PROCEDURE, None, "household_low", "household_high", "decision", "undone_at")
        + _f(C.PROCEDURE, "can_view_duplicates", "score", "reasons", "comment", "undo_reason")
        + _f(C.TRACE, "can_view_duplicates", "actor", "decided_at", "undone_by"),
        skipped=("id",),
        other_household_path="household_high_id",
    ),
)

# Models holding a household key that the export leaves out on purpose, and why.
EXCLUDED: dict[str, str] = {
    "indicators.HouseholdFact": (
        "faits calculés pour les indicateurs à partir des tables ci-dessus (recalculés à chaque "
        "modification) : ils ne contiennent aucune donnée qui n'y soit déjà"
    ),
}


# French names for the columns whose model gives none (Django's default is the English field name).
DEFAULT_LABELS: dict[str, str] = {
    "project": "projet",
    "building": "bâtiment",
    "created_at": "enregistré le",
    "updated_at": "modifié le",
    "author": "auteur",
    "assignee": "chargé de l'étape",
    "actor": "par",
    "date": "date",
    "commune": "commune",
    "refusal_reason": "motif de refus (liste)",
    "offer": "offre de logement",
    "positioned_by": "positionné par",
    "proposal": "proposition",
    "grievance": "réclamation",
    "from_status": "état avant",
    "to_status": "état après",
    "reason": "motif",
    "landlord": "bailleur",
    "organisation": "organisation",
    "user": "utilisateur",
}


def label_of(model_field) -> str:
    """The French name of a column: its verbose name, or DEFAULT_LABELS where the model gives none."""
    name = str(model_field.verbose_name)
    if name == model_field.name.replace("_", " "):
        return DEFAULT_LABELS.get(model_field.name, name)
    return name


@cache
def tables_by_model() -> dict[str, Table]:
    return {table.model: table for table in TABLES}


def history_tables() -> list[Table]:
    """The tables whose changes django-simple-history keeps (the review of changes reads them)."""
    return [table for table in TABLES if table.history_model is not None]
