"""Which households a response shows by name: noted where the named data is read, logged once at the end.

CNIL: every read of a named household's data is individual and logged, whatever the page. Pages are
too many, and too easily added, to each remember a ``file_read_record`` call; so the named fields
themselves note who reads them. Each field of ``NAMED_FIELDS`` gets a descriptor (installed by
``AuditConfig.ready``): reading it on a model instance, with a non-empty value, notes the household on
the collector of the current request, which ``audit.middleware.FileReadMiddleware`` opens for each
request and turns into one ``FileRead`` per household shown (one insert) when the response is a page.

Outside a request (commands, background exports) there is no collector and a read notes nothing; such
code logs what it hands out itself (``services.file_reads_record``). Rows read as plain values
(``values()``, ``values_list()``) bypass the descriptors: code doing so for a page calls
``household_shown`` itself. ``tests/audit/test_every_named_page_is_logged.py`` crawls every URL of the
access matrix and fails when a page shows a name without its log row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models.query_utils import DeferredAttribute

# model → (attribute holding the household id, the fields that identify the household or hold its
# social and health notes). The other columns of a household (composition, resources, statuses) are
# shown to the metropolis too, pseudonymised: reading them is not a read of a named file.
NAMED_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "households.Household": ("id", ("reference_name", "sne_number", "health_note")),
    "households.HouseholdMember": ("household_id", ("first_name", "last_name", "birth_date")),
    "households.SocialDiagnosis": ("household_id", ("findings", "conclusions")),
    "households.SupportLogEntry": ("household_id", ("summary",)),
    # A document's title and file name often name the person (« CNI Nadia Martin.pdf »).
    "documents.HouseholdDocument": ("household_id", ("title", "original_filename")),
    # A grievance's text may name people (a discrimination complaint): reading it is a named read.
    "grievances.Grievance": ("household_id", ("description", "outcome")),
}


@dataclass
class ShownHouseholds:
    """The households a response being built has shown, and those its view already logged itself."""

    shown: set[int] = field(default_factory=set)
    logged: set[int] = field(default_factory=set)

    def to_log(self) -> list[int]:
        return sorted(self.shown - self.logged)


_current: ContextVar[ShownHouseholds | None] = ContextVar("shown_households", default=None)


@contextmanager
def collecting() -> Iterator[ShownHouseholds]:
    """Collect the households shown while the block runs (one request)."""
    collector = ShownHouseholds()
    token = _current.set(collector)
    try:
        yield collector
    finally:
        _current.reset(token)


def household_shown(household_id: int | None) -> None:
    """The current response shows this household's named data (no-op outside a request)."""
    collector = _current.get()
    if collector is not None and household_id is not None:
        collector.shown.add(household_id)


def households_logged(household_ids: Iterable[int]) -> None:
    """These reads were logged explicitly (the file page, exports): the middleware does not log them
    twice."""
    collector = _current.get()
    if collector is not None:
        collector.logged.update(household_ids)


class NamedFieldAttribute(DeferredAttribute):
    """A named field of a model: reading a non-empty value on an instance notes its household.

    A data descriptor (it defines ``__set__``), so that every read goes through ``__get__``: Django's
    own ``DeferredAttribute`` is bypassed once the value sits in the instance's ``__dict__``. The value
    is still stored there, so deferred loading, ``refresh_from_db`` and pickling work unchanged."""

    def __init__(self, field, household_attname: str):
        super().__init__(field)
        self.household_attname = household_attname

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        # An empty field (or an anonymised file) shows nothing of anyone.
        if value not in (None, "") and _current.get() is not None:
            household_shown(instance.__dict__.get(self.household_attname))
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


def install_named_fields() -> None:
    """Put the noting descriptor on every field of ``NAMED_FIELDS`` (once, when the apps are ready)."""
    for label, (household_attname, names) in NAMED_FIELDS.items():
        model = apps.get_model(label)
        for name in names:
            model_field = model._meta.get_field(name)
            setattr(model, model_field.attname, NamedFieldAttribute(model_field, household_attname))
