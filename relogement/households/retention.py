"""Retention of personal data (CNIL 2023 retention reference for social support, docs/personal-data.md).

Support data are kept two years after the last contact with the household, then erased. The rule
applies only to files that are over (``closed`` or ``exited``): an active file is never touched,
however old its last contact. Erasing keeps every field the indicators read (composition counts,
resources, rents, dates, statuses, the rehousing and the proposals, without names or free text), so
that the indicators of a period do not change when its files are anonymised.

The "last contact" is the latest of: a support log entry, a status change (effective date), a
post-rehousing follow-up done, a move-in (rehousing); the census date when there is none of those.

django-simple-history keeps a full copy of each row at each change (``Historical*`` tables): the
names would survive there. So for an anonymised household the history rows of the deleted children
(members, support log, next steps) are deleted, and the named or free-text fields of the history rows
of what is kept are blanked, change reasons included (they may quote a name or a free-text reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import DateField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.duplicates.models import DuplicateDecision
from relogement.exchange.snapshot import (
    IMPORT_REASON,
    IMPORT_SEARCH_UNDATED_REASON,
    IMPORT_SUPERSEDED_REASON,
    IMPORT_UNDATED_REASON,
)
from relogement.followup.models import FollowUp
from relogement.grievances.models import Grievance, GrievanceTransition
from relogement.grievances.states import RECORD_LABEL as GRIEVANCE_RECORD_LABEL
from relogement.grievances.states import RULES as GRIEVANCE_RULES
from relogement.households.lifecycle import TRANSITIONS
from relogement.households.models import (
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    NextStep,
    ProviderReassignment,
    ResourceLine,
    SocialDiagnosis,
    SupportLogEntry,
    Wishes,
)
from relogement.households.statuses import ExitReason, HouseholdStatus
from relogement.offers.models import Proposal, ProposalTransition
from relogement.offers.proposal_states import POSITION_LABEL, RULES
from relogement.rehousing.models import Rehousing
from relogement.requests.models import HandoffRequest, RequestAnswer

RETENTION_YEARS = 2
CHANGE_REASON = "Anonymisation (durée de conservation CNIL)"
# The same erasure, asked by the household (art. 17 RGPD) through the DPO (dataprotection.erasure).
ON_REQUEST_REASON = "Anonymisation (demande d'effacement, art. 17 RGPD)"
ERASED_REASON = "Motif effacé (conservation CNIL)"
# Only files that are over; a file reopened later (status back to "searching") is active again.
ENDED_STATUSES = (HouseholdStatus.CLOSED, HouseholdStatus.EXITED)

# Named fields of the household row (blanked on the row and in every history row).
HOUSEHOLD_NAMED_FIELDS = ("reference_name", "sne_number", "health_note")
# Free-text fields of the rows that are kept for the indicators (blanked, history included).
KEPT_ROWS_FREE_TEXT = {
    SocialDiagnosis: ("findings", "conclusions"),
    FollowUp: ("works_note", "adaptation_note"),
    Rehousing: ("address", "rent_reduction_note"),
    Proposal: ("compliance_note",),
    # Grievances are kept for the indicators (counts and handling times per category), without text.
    Grievance: ("description", "outcome"),
    # Requests between organisations about the household: who asked whom, when and the states are kept.
    HandoffRequest: ("subject", "text"),
}
# Rows deleted whole: they hold names (members) or are social notes (log, steps).
DELETED_CHILDREN = (HouseholdMember, SupportLogEntry, NextStep)
# Kept rows without names or free text: their history needs only its change reasons cleaned.
KEPT_ROWS_CLEAN = (ResourceLine, Wishes)

# Change reasons written by the application itself (no personal data): kept as they are (the export
# reads IMPORT_UNDATED_REASON on status changes); a reason
# starting with one of the prefixes is cut to the prefix (the rest may quote a name or a title);
# any other reason was typed by a user and is replaced by ERASED_REASON.
_FIXED_REASONS = frozenset(
    {t.label for t in TRANSITIONS.values()}
    | {r.label for r in RULES.values()}
    | {label for _, label in ExitReason.choices}
    | {r.label for r in GRIEVANCE_RULES.values()}
    | {GRIEVANCE_RECORD_LABEL}
    | {POSITION_LABEL, IMPORT_REASON, IMPORT_UNDATED_REASON, IMPORT_SEARCH_UNDATED_REASON}
    | {IMPORT_SUPERSEDED_REASON, CHANGE_REASON, ON_REQUEST_REASON, ERASED_REASON}
)
_REASON_PREFIXES = (
    "Modification",
    "Membre ajouté",
    "Membre modifié",
    "Membre retiré",
    "Membre",
    "Ressource",
    "Diagnostic",
    "Souhaits modifiés",
    "Journal",
    "Contact enregistré",
    "Étape planifiée",
    "Étape réalisée",
    "Référent",
    "Décohabitation",
    "Conformité",
    "Suivi",
    "Échéance",
    "Emménagement",
    "Mise à jour des conditions du relogement",
    "Changement de prestataire",
    "Dossier social transmis",
    "Étape libérée",
    "Document ajouté",
    "Document supprimé",
)


def clean_reason(reason: str | None) -> str | None:
    """The change reason with any personal data removed (see _FIXED_REASONS)."""
    if not reason or reason in _FIXED_REASONS:
        return reason
    for prefix in _REASON_PREFIXES:
        if reason.startswith(prefix):
            return prefix
    return ERASED_REASON


def retention_cutoff(today: dt.date) -> dt.date:
    """The latest last-contact date whose file may be erased on ``today`` (two years before)."""
    try:
        return today.replace(year=today.year - RETENTION_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - RETENTION_YEARS, day=28)


def _latest(model, date_field: str):
    rows = model.objects.filter(household=OuterRef("pk")).order_by().values("household")
    return Subquery(rows.annotate(latest=Max(date_field)).values("latest")[:1], output_field=DateField())


def with_last_contact(households):
    """Households annotated with ``last_contact`` (module docstring), in one query."""
    census = "census_date"
    return households.annotate(
        last_contact=Greatest(
            Coalesce(_latest(SupportLogEntry, "date"), census),
            Coalesce(_latest(HouseholdStatusChange, "effective_date"), census),
            Coalesce(_latest(FollowUp, "done_on"), census),
            Coalesce(_latest(Rehousing, "move_in_date"), census),
            output_field=DateField(),
        )
    )


def eligible_households(*, today: dt.date):
    """Ended, not yet anonymised files whose last contact is at least two years before ``today``."""
    return (
        with_last_contact(Household.objects.filter(status__in=ENDED_STATUSES, anonymised_on__isnull=True))
        .filter(last_contact__lte=retention_cutoff(today))
        .order_by("pk")
    )


@dataclass
class RetentionReport:
    today: dt.date
    cutoff: dt.date
    dry_run: bool
    references: list[str] = field(default_factory=list)
    members_deleted: int = 0
    support_entries_deleted: int = 0
    next_steps_deleted: int = 0
    documents_deleted: int = 0
    texts_blanked: int = 0
    history_rows_deleted: int = 0
    history_rows_blanked: int = 0

    @property
    def households(self) -> int:
        return len(self.references)


def _history(model):
    return model.history.model.objects


def _blank_history_reasons(rows) -> int:
    changed = []
    for row in rows.only("pk", "history_change_reason"):
        cleaned = clean_reason(row.history_change_reason)
        if cleaned != row.history_change_reason:
            row.history_change_reason = cleaned
            changed.append(row)
    if changed:
        rows.model.objects.bulk_update(changed, ["history_change_reason"], batch_size=500)
    return len(changed)


def _erase_admin_log(household: Household, deleted: dict) -> None:
    """Django admin log entries repeat object names (a member's name, inline changes)."""
    for model, ids in deleted.items():
        if ids:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids]
            ).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Household), object_id=str(household.pk)
    ).update(object_repr=household.reference, change_message="")


def _anonymise(
    household: Household, *, today: dt.date, actor, report: RetentionReport, reason: str = CHANGE_REASON
) -> None:
    pk = household.pk
    # Deleted children: rows, then their history (deleting writes one more history row, with the
    # names: it goes too), including rows removed earlier. Members moved to a split household still
    # exist: their history stays with their active file.
    deleted = {}
    for model in DELETED_CHILDREN:
        rows = model.objects.filter(household_id=pk)
        deleted[model] = list(rows.values_list("pk", flat=True))
        rows.delete()
        history = _history(model).filter(household_id=pk).exclude(id__in=model.objects.values("pk"))
        report.history_rows_deleted += history.delete()[0]
    report.members_deleted += len(deleted[HouseholdMember])
    report.support_entries_deleted += len(deleted[SupportLogEntry])
    report.next_steps_deleted += len(deleted[NextStep])
    # Documents (identity papers, tax notices, social reports…): rows, history and stored bytes.
    from relogement.documents.services import documents_erase

    report.documents_deleted += documents_erase(household_id=pk)

    # Kept rows: free text blanked on the row and in its history, without a new history row (the
    # household's own history row below records the anonymisation).
    for model, fields in KEPT_ROWS_FREE_TEXT.items():
        blank = dict.fromkeys(fields, "")
        report.texts_blanked += model.objects.filter(household_id=pk).update(**blank)
        history = _history(model).filter(household_id=pk)
        report.history_rows_blanked += history.update(**blank)
        _blank_history_reasons(history)
    for model in KEPT_ROWS_CLEAN:
        _blank_history_reasons(_history(model).filter(household_id=pk))
    # Free-text reasons of the two transition logs may quote the household.
    HouseholdStatusChange.objects.filter(household_id=pk).exclude(reason__in=_FIXED_REASONS).update(reason="")
    ProposalTransition.objects.filter(proposal__household_id=pk).exclude(reason__in=_FIXED_REASONS).update(
        reason=""
    )
    # And the escalation reasons and closing words of its grievances (states and dates are kept).
    GrievanceTransition.objects.filter(grievance__household_id=pk).update(reason="")
    # And the answers to the requests about it.
    report.texts_blanked += RequestAnswer.objects.filter(request__household_id=pk).update(text="")
    # So may the reasons of its changes of social provider (who, when, from and to are kept).
    ProviderReassignment.objects.filter(household_id=pk).update(reason="")
    # And the comments on its possible duplicates (the decision, its date and actor are kept).
    on_pair = Q(household_low_id=pk) | Q(household_high_id=pk)
    report.texts_blanked += DuplicateDecision.objects.filter(on_pair).update(comment="", undo_reason="")
    report.history_rows_blanked += (
        _history(DuplicateDecision).filter(on_pair).update(comment="", undo_reason="")
    )

    # The household row: named fields erased, the date recorded, one history row with the reason.
    for name in HOUSEHOLD_NAMED_FIELDS:
        setattr(household, name, "")
    household.anonymised_on = today
    household.version += 1
    household._change_reason = reason
    household._history_user = actor
    household.save(update_fields=[*HOUSEHOLD_NAMED_FIELDS, "anonymised_on", "version", "updated_at"])
    history = _history(Household).filter(id=pk)
    report.history_rows_blanked += history.update(**dict.fromkeys(HOUSEHOLD_NAMED_FIELDS, ""))
    _blank_history_reasons(history)
    _erase_admin_log(household, deleted)


def household_anonymise(*, household: Household, today: dt.date, actor, reason: str) -> RetentionReport:
    """Erase one household's personal data now, exactly as the retention does (same fields, same
    history cleaning), whatever its last contact: for an erasure on request, whose legal checks and
    log are the caller's (``dataprotection.erasure.household_erase``, which holds the transaction and
    the lock). ``reason`` is the history row's change reason and must be one the cleaning keeps."""
    if reason not in _FIXED_REASONS:
        raise ValueError(f"Motif d'anonymisation inconnu : {reason}")
    report = RetentionReport(today=today, cutoff=today, dry_run=False)
    _anonymise(household, today=today, actor=actor, report=report, reason=reason)
    report.references.append(household.reference)
    return report


def retention_apply(*, today: dt.date, actor=None, dry_run: bool = False) -> RetentionReport:
    """Erase the personal data of every eligible household, one transaction per household.

    ``dry_run`` only lists the households that would be erased. A household already anonymised is
    never eligible again, so running twice does nothing the second time. A ``today`` after the real
    date is refused unless ``dry_run``: it would erase files whose two years are not over, for good.
    """
    if not dry_run and today > timezone.localdate():
        raise DomainError(
            f"La date du {today:%d/%m/%Y} est postérieure à aujourd'hui : l'anonymisation est "
            "irréversible et ne peut être appliquée qu'à la date du jour ou à une date passée "
            "(une date future n'est acceptée qu'en simulation, avec --dry-run)."
        )
    report = RetentionReport(today=today, cutoff=retention_cutoff(today), dry_run=dry_run)
    candidates = list(eligible_households(today=today).values_list("pk", "reference"))
    if dry_run:
        report.references = [reference for _, reference in candidates]
        return report
    for pk, reference in candidates:
        with transaction.atomic():
            # Locked and checked again: the file may have been reopened or touched meanwhile.
            household = eligible_households(today=today).select_for_update(of=("self",)).filter(pk=pk).first()
            if household is None:
                continue
            _anonymise(household, today=today, actor=actor, report=report)
            report.references.append(reference)
    return report
