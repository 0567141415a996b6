"""Optimistic locking of the household file.

Every edit form carries the ``version`` it was based on. A save based on an older version is refused
(nothing is overwritten) and the message shows what changed in between, read from the history that
django-simple-history keeps for the household and its child rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from relogement.core.errors import DomainError

# Bookkeeping fields that say nothing to the user.
_SILENT_FIELDS = {"version", "updated_at", "created_at", "pseudonym", "health_note_holder"}
# Sensitive fields: a stale edit says they changed, never their values (the person editing another
# section, e.g. the project office, may not read them: permissions.predicates).
_VALUE_HIDDEN_FIELDS = {"health_note"}


@dataclass
class Change:
    when: object
    who: str
    reason: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        when = timezone.localtime(self.when).strftime("%d/%m/%Y %H:%M") if self.when else ""
        text = f"{when} — {self.who} — {self.reason}"
        if self.fields:
            text += " : " + " ; ".join(self.fields)
        return text


class StaleEdit(DomainError):
    """The edit was based on an older version of the file."""

    def __init__(self, changes: list[Change]):
        self.changes = changes
        detail = " | ".join(str(c) for c in changes) or "modification non détaillée"
        super().__init__(
            "Ce dossier a été modifié par une autre personne depuis que vous l'avez ouvert : rien n'a été "
            f"enregistré. Modifications intervenues entre-temps : {detail}. "
            "Rechargez la fiche puis refaites votre saisie."
        )


def _display(model, name: str, value) -> str:
    if value in (None, ""):
        return "(vide)"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field dropped since: show the raw value
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:  # history rows hold the id: show what it names (provider, referent)
        return str(model_field.related_model._default_manager.filter(pk=value).first() or value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _who(record) -> str:
    user = getattr(record, "history_user", None)
    return str(user) if user is not None else "système"


def changes_since(household, version: int) -> list[Change]:
    """The household's recorded changes after ``version``, each with its field-by-field differences."""
    from relogement.households.models import Household

    records = list(household.history.select_related("history_user").order_by("history_date", "history_id"))
    base = None
    for record in records:
        if record.version <= version:
            base = record
    changes = []
    previous = base
    for record in records:
        if record.version <= version:
            continue
        fields = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in _SILENT_FIELDS:
                    continue
                label = Household._meta.get_field(change.field).verbose_name
                if change.field in _VALUE_HIDDEN_FIELDS:
                    fields.append(f"{label} : modifié (contenu non affiché)")
                    continue
                fields.append(
                    f"{label} : « {_display(Household, change.field, change.old)} » → "
                    f"« {_display(Household, change.field, change.new)} »"
                )
        changes.append(
            Change(
                when=record.history_date,
                who=_who(record),
                reason=record.history_change_reason or "modification",
                fields=fields,
            )
        )
        previous = record
    return changes


def check_version(household, expected_version: int | None) -> None:
    """Refuse an edit based on an older version; ``None`` means the caller does not lock (appends)."""
    if expected_version is None:
        return
    if int(expected_version) != household.version:
        raise StaleEdit(changes_since(household, int(expected_version)))
