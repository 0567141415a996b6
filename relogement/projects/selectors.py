"""Reads of the project structure, always through the user's scope.

Household counts are computed on ``Household.objects.visible_to(user)``, never by joining from the
project or building, so that a social worker of provider B never counts provider A's households.
Every function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.households.models import Household
from relogement.households.statuses import REPORTING_STATUS, ReportingStatus
from relogement.projects.models import Building, Project
from relogement.territory.models import Commune


@dataclass
class StatusCounts:
    """Households per reporting status (EXCHANGE-FORMAT.md), in the order of ``ReportingStatus``."""

    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def rehoused(self) -> int:
        return self.by_status.get(ReportingStatus.RELOGE.value, 0)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in ReportingStatus]

    def add(self, status: str, count: int) -> None:
        reporting = REPORTING_STATUS.get(status)
        if reporting is not None:
            self.by_status[reporting.value] = self.by_status.get(reporting.value, 0) + count


def status_counts_by(user, group_field: str, ids=None) -> dict[int, StatusCounts]:
    """{project or building id: StatusCounts} over the households the user may see (one query)."""
    households = Household.objects.visible_to(user)
    if ids is not None:
        households = households.filter(**{f"{group_field}__in": list(ids)})
    result: dict[int, StatusCounts] = defaultdict(StatusCounts)
    rows = households.order_by().values_list(group_field, "status").annotate(n=Count("pk"))
    for key, status, count in rows:
        result[key].add(status, count)
    return result


def split_household_count(user) -> int:
    """Visible households born of a split (décohabitation): counted on the home page among the visible
    households, left out of the dashboard's « ménages recensés » (INDICATORS.md, population C)."""
    return Household.objects.visible_to(user).filter(split_from__isnull=False).count()


def total_status_counts(per_key: dict[int, StatusCounts]) -> StatusCounts:
    total = StatusCounts()
    for counts in per_key.values():
        for status, count in counts.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + count
    return total


def project_list(user, *, name: str = "", commune_id: int | None = None) -> QuerySet[Project]:
    projects = Project.objects.visible_to(user).select_related("commune")
    if name:
        projects = projects.filter(Q(name__icontains=name) | Q(neighbourhood__icontains=name))
    if commune_id:
        projects = projects.filter(commune_id=commune_id)
    return projects.annotate(
        operations_total=Count("operations", distinct=True),
    ).order_by("name")


def project_communes(user) -> QuerySet[Commune]:
    return Commune.objects.filter(pk__in=Project.objects.visible_to(user).values("commune_id")).order_by(
        "name"
    )


def building_list(
    user,
    *,
    project_id: int | None = None,
    landlord_id: int | None = None,
    commune_id: int | None = None,
    reference: str = "",
) -> QuerySet[Building]:
    buildings = Building.objects.visible_to(user).select_related(
        "project", "commune", "landlord", "operation"
    )
    if project_id:
        buildings = buildings.filter(project_id=project_id)
    if landlord_id:
        buildings = buildings.filter(landlord_id=landlord_id)
    if commune_id:
        buildings = buildings.filter(commune_id=commune_id)
    if reference:
        buildings = buildings.filter(Q(reference__icontains=reference) | Q(address__icontains=reference))
    return buildings.order_by("project__name", "reference")


def building_filter_choices(user) -> dict[str, QuerySet]:
    visible = Building.objects.visible_to(user)
    return {
        "projects": Project.objects.filter(pk__in=visible.values("project_id")).order_by("name"),
        "landlords": Organisation.objects.filter(
            kind=OrganisationKind.LANDLORD, pk__in=visible.values("landlord_id")
        ).order_by("name"),
        "communes": Commune.objects.filter(pk__in=visible.values("commune_id")).order_by("name"),
    }


def project_buildings(user, project: Project) -> QuerySet[Building]:
    return (
        Building.objects.visible_to(user)
        .filter(project=project)
        .select_related("operation", "commune", "landlord")
        .order_by("operation__name", "reference")
    )


def building_households(user, building: Building) -> QuerySet[Household]:
    return (
        Household.objects.visible_to(user)
        .filter(building=building)
        .select_related("origin_dwelling", "social_provider")
        .order_by("reference")
    )
