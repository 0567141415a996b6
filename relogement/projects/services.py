"""Writes on the project structure. Each service is atomic, takes the acting user, validates (French
``FieldError``, nothing written) and leaves a history record with its reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.core.errors import DomainError
from relogement.households.services import _child_saved
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Building, Operation, OperationKind, Project

MAX_DWELLINGS = 5000
EARLIEST_DEMOLITION = dt.date(2000, 1, 1)


class FieldError(DomainError):
    """A refused write naming the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def building_projects(user) -> QuerySet[Project]:
    """Projects in which the user may enter buildings: those its organisation acts on
    (``Organisation.projects``), for the role of ``can_add_building``; none for the others."""
    org = organisation_of(user)
    if org is None or not predicates.can_add_building(user):
        return Project.objects.none()
    return Project.objects.filter(pk__in=org.projects.values("pk"))


@transaction.atomic
def building_create(
    *,
    project: Project,
    actor,
    reference: str,
    commune,
    landlord: Organisation | None,
    dwellings_count: int | None,
    address: str = "",
    private_owner: str = "",
    planned_demolition_date: dt.date | None = None,
    operation: Operation | None = None,
    new_operation_name: str = "",
    new_operation_kind: str = OperationKind.DEMOLITION,
) -> Building:
    """Enter a building of ``project`` in one of its operations (an existing one, or a new one named
    here)."""
    if not building_projects(actor).filter(pk=project.pk).exists():
        raise FieldError("Vous ne pouvez pas ajouter de bâtiment à ce projet.")
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    reference = (reference or "").strip()
    if not reference:
        raise FieldError("La référence du bâtiment est obligatoire.", "reference")
    if Building.objects.filter(project=project, reference__iexact=reference).exists():
        raise FieldError(f"Le bâtiment « {reference} » existe déjà dans ce projet.", "reference")
    if commune is None:
        raise FieldError("Choisissez la commune du bâtiment.", "commune")
    if landlord is not None and landlord.kind != OrganisationKind.LANDLORD:
        raise FieldError(f"« {landlord.name} » n'est pas un bailleur.", "landlord")
    private_owner = (private_owner or "").strip()
    if landlord is None and not private_owner:
        raise FieldError(
            "Choisissez le bailleur social du bâtiment ou, pour un bâtiment du parc privé, "
            "indiquez son propriétaire.",
            "landlord",
        )
    if landlord is not None and private_owner:
        raise FieldError(
            "Un bâtiment a un bailleur social ou un propriétaire privé, pas les deux.", "private_owner"
        )
    if dwellings_count is None:
        raise FieldError("Indiquez le nombre de logements.", "dwellings_count")
    if not 1 <= dwellings_count <= MAX_DWELLINGS:
        raise FieldError(
            f"Le nombre de logements doit être compris entre 1 et {MAX_DWELLINGS}.", "dwellings_count"
        )
    if planned_demolition_date is not None and planned_demolition_date < EARLIEST_DEMOLITION:
        raise FieldError("La date de démolition prévue est invraisemblable.", "planned_demolition_date")
    new_operation_name = (new_operation_name or "").strip()
    if operation is not None and new_operation_name:
        raise FieldError(
            "Choisissez une opération ou nommez-en une nouvelle, pas les deux.", "new_operation_name"
        )
    if operation is not None and operation.project_id != project.pk:
        raise FieldError("Cette opération n'appartient pas au projet.", "operation")
    if operation is None:
        if not new_operation_name:
            raise FieldError(
                "Choisissez l'opération du bâtiment ou nommez une nouvelle opération.", "operation"
            )
        if new_operation_kind not in OperationKind.values:
            raise FieldError("Nature d'opération inconnue.", "new_operation_kind")
        if Operation.objects.filter(project=project, name__iexact=new_operation_name).exists():
            raise FieldError(
                f"L'opération « {new_operation_name} » existe déjà : choisissez-la dans la liste.",
                "new_operation_name",
            )
        operation = Operation(project=project, name=new_operation_name, kind=new_operation_kind)
        _child_saved(operation, actor, f"Opération ajoutée avec le bâtiment {reference}")
    building = Building(
        operation=operation,
        reference=reference,
        address=(address or "").strip(),
        commune=commune,
        landlord=landlord,
        private_owner=private_owner,
        dwellings_count=dwellings_count,
        planned_demolition_date=planned_demolition_date,
    )
    _child_saved(building, actor, "Bâtiment ajouté")
    return building
