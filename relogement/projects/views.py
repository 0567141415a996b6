"""Project structure pages: home, projects, buildings. Every object comes through the user's scope."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from relogement.accounts.models import OrganisationKind
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.permissions.shortcuts import get_building_for_user, get_project_for_user
from relogement.projects import selectors
from relogement.projects.models import Project

PAGE_SIZE = 25


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def home(request):
    """The user's work queue (``alerts.rules.work_queue``: the rules of the alert centre, with each
    section's total and the page listing them all), then their projects with their households per
    reporting status, in a constant number of queries.

    Other journeys add panels for the active role in ``{% block role_panels %}`` of
    ``projects/home.html`` through templates that extend it.
    """
    from django.utils import timezone

    from relogement.alerts import caching
    from relogement.alerts.rules import work_queue
    from relogement.indicators.cache import cached, scope_key

    user = request.user
    organisation = organisation_of(user)
    projects = list(Project.objects.visible_to(user).select_related("commune").order_by("name"))
    # Counted over the whole perimeter: kept, like the work queue, while nothing they read changes (one
    # version read for the three).
    version = caching.activity_version()
    counts = cached(
        ("home-status-counts", scope_key(user)),
        lambda: dict(selectors.status_counts_by(user, "project_id")),
        version=version,
    )
    for project in projects:
        project.status_counts = counts.get(project.pk, selectors.StatusCounts())
    operational = organisation is not None and organisation.kind != OrganisationKind.ADMIN
    today = timezone.localdate()
    return render(
        request,
        "projects/home.html",
        {
            "organisation": organisation,
            "projects": projects,
            "totals": selectors.total_status_counts(counts),
            "status_labels": selectors.StatusCounts().rows,
            "show_admin_link": request.user.is_staff,
            "queue": caching.for_user(
                user, "work-queue", lambda: work_queue(user, today=today), today=today, version=version
            )
            if operational
            else [],
            "show_queue": operational,
            # Lines naming households (by reference) for the roles with named data; the metropolis
            # reads the counts only, under the secret statistique.
            "queue_lines": predicates.can_view_named_data(request.user),
            "split_households": cached(
                ("home-split-households", scope_key(user)),
                lambda: selectors.split_household_count(user),
                version=version,
            )
            if projects
            else 0,
        },
    )


def project_list(request):
    name = request.GET.get("q", "").strip()
    commune_id = _int_param(request, "commune")
    page = _page(request, selectors.project_list(request.user, name=name, commune_id=commune_id))
    counts = selectors.status_counts_by(request.user, "project_id", ids=[p.pk for p in page])
    for project in page:
        project.status_counts = counts.get(project.pk, selectors.StatusCounts())
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "q": name,
            "commune_id": commune_id,
            "communes": selectors.project_communes(request.user),
            "query": _query_without_page(request),
            "breadcrumbs": [{"label": "Accueil", "url": reverse("home")}, {"label": "Projets", "url": ""}],
        },
    )


def project_detail(request, pk):
    project = get_project_for_user(request.user, pk)
    buildings = list(selectors.project_buildings(request.user, project))
    counts = selectors.status_counts_by(request.user, "building_id", ids=[b.pk for b in buildings])
    operations: dict[int, dict] = {}
    for building in buildings:
        building.status_counts = counts.get(building.pk, selectors.StatusCounts())
        entry = operations.setdefault(
            building.operation_id, {"operation": building.operation, "buildings": []}
        )
        entry["buildings"].append(building)
    # Operations without a visible building are shown to roles that see the whole project.
    for operation in project.operations.order_by("name"):
        operations.setdefault(operation.pk, {"operation": operation, "buildings": []})
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "operations": sorted(operations.values(), key=lambda e: e["operation"].name),
            "totals": selectors.total_status_counts(counts),
            "breadcrumbs": [
                {"label": "Accueil", "url": reverse("home")},
                {"label": "Projets", "url": reverse("project_list")},
                {"label": project.name, "url": ""},
            ],
        },
    )


def building_list(request):
    filters = {
        "project_id": _int_param(request, "projet"),
        "landlord_id": _int_param(request, "bailleur"),
        "commune_id": _int_param(request, "commune"),
        "reference": request.GET.get("q", "").strip(),
    }
    page = _page(request, selectors.building_list(request.user, **filters))
    counts = selectors.status_counts_by(request.user, "building_id", ids=[b.pk for b in page])
    for building in page:
        building.status_counts = counts.get(building.pk, selectors.StatusCounts())
    return render(
        request,
        "projects/building_list.html",
        {
            "page": page,
            "filters": filters,
            "choices": selectors.building_filter_choices(request.user),
            "query": _query_without_page(request),
            "breadcrumbs": [
                {"label": "Accueil", "url": reverse("home")},
                {"label": "Bâtiments", "url": ""},
            ],
        },
    )


def building_detail(request, pk):
    building = get_building_for_user(request.user, pk)
    page = _page(request, selectors.building_households(request.user, building), size=50)
    names_visible = predicates.can_view_named_data(request.user)
    rows = [
        {
            "household": household,
            "label": household.reference_name or household.reference
            if predicates.can_view_names(request.user, household)
            else household.pseudonym,
        }
        for household in page
    ]
    return render(
        request,
        "projects/building_detail.html",
        {
            "building": building,
            "dwellings": building.dwellings.order_by("reference"),
            "page": page,
            "rows": rows,
            "names_visible": names_visible,
            "query": _query_without_page(request),
            "breadcrumbs": [
                {"label": "Accueil", "url": reverse("home")},
                {"label": "Projets", "url": reverse("project_list")},
                {
                    "label": building.project.name,
                    "url": reverse("project_detail", args=[building.project_id]),
                },
                {"label": f"Bâtiment {building.reference}", "url": ""},
            ],
        },
    )
