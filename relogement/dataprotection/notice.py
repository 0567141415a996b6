"""The information notice handed to each household (art. 13–14 RGPD), filled from the application:
the controller (``controller``), the purposes and legal bases, retention and rights (``processing``),
the categories of data held (``registry``) and the organisations that receive them, by role, as the
scope rules decide for this household (``recipients``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relogement.dataprotection import processing
from relogement.dataprotection.controller import Controller, controller_for
from relogement.dataprotection.recipients import organisations_reaching
from relogement.dataprotection.registry import TABLES, Category
from relogement.households.models import Household


@dataclass
class Notice:
    household: Household
    controller: Controller
    recipients: list[tuple[str, list[str]]]
    categories: list[str]
    purposes: tuple[processing.Purpose, ...]
    retention: str
    rights: tuple[tuple[str, str], ...]
    complaint: str
    data_subjects: str
    transfers: str
    printed_on: dt.date


def held_categories() -> list[str]:
    """The French labels of the data categories of the registry, in their declared order."""
    used = {field.category for table in TABLES for field in table.fields}
    return [label for value, label in Category.choices if value in used]


def notice_for(household: Household) -> Notice:
    return Notice(
        household=household,
        controller=controller_for(household.project),
        recipients=organisations_reaching(household),
        categories=held_categories(),
        purposes=processing.PURPOSES,
        retention=processing.RETENTION,
        rights=processing.RIGHTS,
        complaint=processing.COMPLAINT,
        data_subjects=processing.DATA_SUBJECTS,
        transfers=processing.TRANSFERS,
        printed_on=timezone.localdate(),
    )
