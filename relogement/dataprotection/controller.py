"""The controller (responsable de traitement) printed on the notices and the register.

Nothing in the organisations says who the controller is: in an urban-renewal programme it is usually
the project owner (the metropolis, or the commune) with its partners as joint controllers or
processors, as they agree in writing. So the DPO records it (``DataController``: one row for the
deployment, optionally one per project). Until then it is derived from the organisations — the
metropolis' and the project's commune's, as joint controllers — and every document says that it was
not configured, so that a notice is never handed over naming the wrong body without warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.core.errors import DomainError
from relogement.dataprotection.models import DataController

NOT_CONFIGURED = (
    "Responsable de traitement non renseigné dans l'application : nom déduit des organisations du "
    "projet, à confirmer par le délégué à la protection des données."
)


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    dpo_contact: str
    configured: bool
    scope: str  # "projet", "déploiement" or "déduit"


def controller_for(project=None) -> Controller:
    """The project's own controller, else the deployment's, else one derived from the organisations
    (two queries at most)."""
    rows = {
        row.project_id: row
        for row in DataController.objects.filter(project__isnull=True)
        | DataController.objects.filter(project=project)
    }
    row = rows.get(project.pk if project is not None else None) or rows.get(None)
    if row is not None:
        scope = "déploiement" if row.project_id is None else "projet"
        return Controller(row.name, row.address, row.dpo_contact, True, scope)
    return Controller(_derived_name(project), "", "", False, "déduit")


def _derived_name(project) -> str:
    kinds = [OrganisationKind.METROPOLIS]
    orgs = Organisation.objects.filter(kind__in=kinds)
    if project is not None:
        orgs = orgs | Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, commune_id=project.commune_id
        )
    names = sorted({org.name for org in orgs})
    if not names:
        return "Responsable de traitement non renseigné"
    return " et ".join(names) + (" (responsables conjoints)" if len(names) > 1 else "")


def _required(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Le champ « {label} » est obligatoire.")
    return value


@transaction.atomic
def data_controller_set(*, project, name: str, address: str, dpo_contact: str, actor) -> DataController:
    """Record the controller of the deployment (``project=None``) or of one project, with its history."""
    values = {
        "name": _required(name, "responsable de traitement")[:200],
        "address": _required(address, "adresse postale"),
        "dpo_contact": _required(dpo_contact, "contact du délégué à la protection des données"),
    }
    # One row per project (or one default): this is the only writer, and it updates the row found.
    row = DataController.objects.select_for_update(no_key=True).filter(project=project).order_by("pk").first()
    if row is None:
        row = DataController(project=project)
    for attr, value in values.items():
        setattr(row, attr, value)
    row._history_user = actor
    row._change_reason = "Responsable de traitement renseigné"
    row.save()
    return row
