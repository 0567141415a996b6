"""Reads of household files: the scoped, filtered list, one file with everything it shows, overdue steps.

Every read starts from ``Household.objects.visible_to(user)`` (or ``NextStep.objects.visible_to``):
nothing here can reach a household outside the user's perimeter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from relogement.households.models import (
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    NextStep,
    ProviderReassignment,
    ResourceLine,
    SocialDiagnosis,
    SupportLogEntry,
    WishedLocation,
)
from relogement.households.search import name_contains
from relogement.households.statuses import HouseholdStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of

NEEDS = {
    "pmr": ("reduced_mobility", "Mobilité réduite (PMR)"),
    "rdc": ("needs_ground_floor_or_lift", "Rez-de-chaussée ou ascenseur"),
    "nombreuse": ("large_family", "Famille nombreuse"),
    "animaux": ("has_pets", "Animaux"),
}


def sorts_for(user) -> dict[str, str]:
    """Every sort key the user may ask for (``listing.sort_choices``): any column it may show."""
    from relogement.households.listing import sort_choices

    return sort_choices(user)


@dataclass
class HouseholdFilters:
    q: str = ""
    project: int | None = None
    building: int | None = None
    status: str = ""
    commune: int | None = None
    referent: int | None = None
    needs: list[str] = field(default_factory=list)
    overdue: bool = False
    proposal: str = ""  # a stage of alerts.rules.PROPOSAL_STAGES (the home page's work queue)
    sort: str = "reference"
    columns: list[str] = field(default_factory=list)  # the columns chosen (``listing.columns_for``)


def _open_overdue_steps(today: dt.date) -> QuerySet:
    # Matches the partial index ``nextstep_open_due_idx`` (open steps by household and due date).
    return NextStep.objects.filter(done_on__isnull=True, due_date__lt=today)


def _overdue_subquery(today: dt.date):
    return (
        _open_overdue_steps(today)
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )


def _overdue_count(today: dt.date):
    return Coalesce(Subquery(_overdue_subquery(today), output_field=IntegerField()), Value(0))


def search_filter(user, q: str) -> Q:
    """Reference or pseudonym for everybody; names only for roles with named data, so that a name
    search never reveals anything to a pseudonymised role. Always applied inside the user's scope.
    Names are compared without accents or case, from trigram indexes on PostgreSQL (``search``)."""
    q = q.strip()
    condition = Q(reference__icontains=q) | Q(pseudonym__iexact=q)
    if predicates.can_view_named_data(user):
        member_ids = HouseholdMember.objects.filter(
            Q(name_contains("last_name", q)) | Q(name_contains("first_name", q))
        ).values("household_id")
        condition |= Q(name_contains("reference_name", q)) | Q(pk__in=member_ids)
    return condition


def household_filtered(*, user, filters: HouseholdFilters, today: dt.date | None = None) -> QuerySet:
    """The user's households matching the filters: no annotation, no join, no order, so that counting
    (paginator, counts by status) stays a plain scan of the household table."""
    today = today or dt.date.today()
    households = Household.objects.visible_to(user)
    if filters.q.strip():
        households = households.filter(search_filter(user, filters.q))
    if filters.project:
        households = households.filter(project_id=filters.project)
    if filters.building:
        households = households.filter(building_id=filters.building)
    if filters.status:
        households = households.filter(status=filters.status)
    if filters.commune:
        households = households.filter(building__commune_id=filters.commune)
    if filters.referent:
        households = households.filter(referent_id=filters.referent)
    for need in filters.needs:
        if need in NEEDS:
            households = households.filter(**{NEEDS[need][0]: True})
    if filters.proposal:
        from relogement.alerts.rules import PROPOSAL_STAGES, households_at_stage

        if filters.proposal in PROPOSAL_STAGES:
            households = households.filter(pk__in=households_at_stage(filters.proposal, today))
    if filters.overdue and predicates.can_list_next_steps(user):
        # A semi-join on the open overdue steps, not a per-household count (same rows: count > 0).
        households = households.filter(pk__in=_open_overdue_steps(today).values("household_id"))
    return households


def _sort_of(user, filters: HouseholdFilters) -> str:
    return filters.sort if filters.sort in sorts_for(user) else "reference"


def _term(path: str, descending: bool):
    return F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True)


def _ordered(households: QuerySet, *, user, filters: HouseholdFilters, today: dt.date) -> QuerySet:
    """The households in the order the user asked for, on any column it may show (with the
    annotation that column reads, if any), then by reference and id: a stable order for pages."""
    from relogement.households.listing import PERSONS, sort_column

    sort = _sort_of(user, filters)
    if sort == PERSONS:
        households = households.annotate(persons=F("adults_count") + F("children_count"))
        return households.order_by(F("persons").desc(), "reference", "pk")
    column, reverse = sort_column(user, sort)
    if column is None:
        return households.order_by("reference", "pk")
    if column.annotation is not None and column.source not in households.query.annotations:
        households = households.annotate(**{column.source: column.annotation(today, user)})
    if column.key == "reference":  # the default: plain, as the index on (project, reference) has it
        return households.order_by("-reference" if reverse else "reference", "pk")
    terms = [_term(path, desc != reverse) for path, desc in column.sort_terms()]
    terms.append(F("reference").asc())
    return households.order_by(*terms, "pk")


def _annotated(households: QuerySet, columns, *, user, today: dt.date) -> QuerySet:
    """The annotations of the columns shown (last contact, proposals…), on a list's rows only."""
    annotations = {
        c.source: c.annotation(today, user)
        for c in columns
        if c.annotation is not None and c.source not in households.query.annotations
    }
    return households.annotate(**annotations) if annotations else households


def _with_columns(households: QuerySet, today: dt.date, columns=(), user=None) -> QuerySet:
    """A page's rows with what its columns read: the joins they need, never the JSON of a project or a
    commune outline (decoded per row for nothing), nor the health note."""
    related = ["project", "building__commune", "referent"]
    deferred = ["health_note", "project__matching_weights", "building__commune__outline"]
    sources = {c.source for c in columns}
    if "social_provider__name" in sources:
        related.append("social_provider")
    if any(s.startswith("wishes__") for s in sources):
        related.append("wishes")
    households = households.select_related(*related).defer(*deferred)
    return _annotated(households, columns, user=user, today=today)


def household_list(*, user, filters: HouseholdFilters, today: dt.date | None = None) -> QuerySet:
    """The user's households matching the filters, sorted, as model instances with what the list columns
    show (exports read tuples instead: ``household_rows``)."""
    from relogement.households.listing import columns_for

    today = today or dt.date.today()
    columns = columns_for(user, filters.columns)
    households = household_filtered(user=user, filters=filters, today=today)
    households = _ordered(households, user=user, filters=filters, today=today)
    return _with_columns(households, today, columns, user)


def household_rows(
    *, user, filters: HouseholdFilters, sources: list[str], today: dt.date | None = None, within=None
) -> QuerySet:
    """``household_list`` as tuples (exports): ``values_list`` of the household's id then ``sources``,
    in the list's order, without model instances (no JSON field of a commune or a project decoded per
    row). ``within``: a query of household ids the rows are also restricted to (the export's read log).
    ``sources`` name paths or the annotations of the user's columns (``listing.available_columns``)."""
    from relogement.households.listing import available_columns

    today = today or dt.date.today()
    households = household_filtered(user=user, filters=filters, today=today)
    if within is not None:
        households = households.filter(pk__in=within)
    households = _ordered(households, user=user, filters=filters, today=today)
    wanted = [c for c in available_columns(user) if c.source in sources]
    households = _annotated(households, wanted, user=user, today=today)
    return households.values_list("pk", *sources)


def household_page(
    *,
    user,
    filters: HouseholdFilters,
    number,
    per_page: int,
    total: int | None = None,
    today: dt.date | None = None,
) -> Page:
    """One page of ``household_list``, in a fixed number of queries whatever the number of households.

    The sort runs on the household table alone (ids, plus the overdue count only when sorting on it),
    then the page's rows are fetched with their joins and columns: sorting 100,000 wide joined rows to
    keep 50 was what made the list slow. ``total`` (the sum of ``count_by_status``) saves the COUNT."""
    from relogement.households.listing import columns_for

    today = today or dt.date.today()
    keys = household_filtered(user=user, filters=filters, today=today)
    keys = _ordered(keys, user=user, filters=filters, today=today).values_list("pk", flat=True)
    paginator = Paginator(keys, per_page)
    if total is not None:
        paginator.count = total  # a cached_property: the filtered list was already counted by status
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = {}
    if ids:
        columns = columns_for(user, filters.columns)
        page_rows = _with_columns(Household.objects.visible_to(user).filter(pk__in=ids), today, columns, user)
        rows = {h.pk: h for h in page_rows}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def filter_choices(user, *, version: str | None = None) -> dict[str, list]:
    """The choices of the list's filters: projects, and the buildings, communes and referents of the
    user's households. Four scans of the whole perimeter: computed once per organisation and data
    version (``indicators.cache``), not on every page, pagination click or search."""
    from relogement.indicators.cache import cached, scope_key

    return cached(("household-list-choices", scope_key(user)), lambda: _filter_choices(user), version=version)


def _filter_choices(user) -> dict[str, list]:
    from relogement.accounts.models import User
    from relogement.projects.models import Building, Project
    from relogement.territory.models import Commune

    visible = Household.objects.visible_to(user)
    buildings = Building.objects.filter(pk__in=visible.values("building_id"))
    return {
        "project": list(Project.objects.visible_to(user).order_by("name").values_list("pk", "name")),
        "building": list(buildings.order_by("reference").values_list("pk", "reference")),
        "commune": list(
            Commune.objects.filter(buildings__in=buildings)
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        ),
        "referent": [
            (u.pk, str(u))
            for u in User.objects.filter(pk__in=visible.values("referent_id")).order_by("last_name", "pk")
        ],
    }


def list_count_by_status(
    *, user, filters: HouseholdFilters, today: dt.date | None = None, version: str | None = None
) -> dict[str, int]:
    """``count_by_status`` of the filtered list, computed once per organisation, filters and data
    version: the next pages of a list, and the same list shown again, cost no scan. The filters and
    the predicates that change what they match (a name search, the overdue steps) are in the key."""
    from relogement.indicators.cache import cached, scope_key

    today = today or dt.date.today()
    parts = (
        "household-list-counts",
        scope_key(user),
        predicates.can_view_named_data(user),
        predicates.can_list_next_steps(user),
        filters.q.strip(),
        filters.project,
        filters.building,
        filters.status,
        filters.commune,
        filters.referent,
        sorted(filters.needs),
        filters.overdue and today.isoformat(),  # the overdue steps change with the date
    )
    return cached(
        parts,
        lambda: count_by_status(household_filtered(user=user, filters=filters, today=today)),
        version=version,
    )


def count_by_status(households: QuerySet) -> dict[str, int]:
    """Households of a (filtered) list by status, in one query; their sum is the list's length."""
    return dict(households.order_by().values_list("status").annotate(n=Count("pk")))


def status_counts(households: QuerySet | None, by_status: dict[str, int] | None = None) -> list[dict]:
    """Counts by status of a (filtered) list, in lifecycle order, in one query (none if given)."""
    counts = count_by_status(households) if by_status is None else by_status
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in HouseholdStatus.choices
        if counts.get(status)
    ]


def household_file(*, user, pk: int) -> Household:
    """One household with every section of its page, in a fixed number of queries.

    The sections the user may not see are not fetched: their rows would be read and thrown away (the
    metropolis's pseudonymised file skips five queries, a landlord's four). ``household.file_visibility``
    keeps what was computed, for the page."""
    from relogement.households.visibility import visibility_for

    households = Household.objects.select_related(
        "project",
        "building__commune",
        "building__landlord",
        "building__operation",
        "origin_dwelling",
        "referent",
        "social_provider",
        "split_from",
        "wishes",
    ).annotate(
        # Rare rows (a split, a change of provider): asked here rather than by a query each.
        has_splits=Exists(Household.objects.filter(split_from=OuterRef("pk"))),
        has_provider_changes=Exists(ProviderReassignment.objects.filter(household=OuterRef("pk"))),
    )
    # Not get(): its LIMIT 21 doubles PostgreSQL's planning of this ten-table join (2 → 4.4 ms at
    # 100,000 households, more than the query runs); a primary key matches one row at most.
    found = list(households.visible_to(user).filter(pk=pk).order_by())
    if not found:
        raise Http404("Aucun ménage ne correspond.")
    household = found[0]
    vis = visibility_for(user, household)
    prefetch_related_objects([household], *_file_prefetches(household, vis))
    household.file_visibility = vis
    return household


def _file_prefetches(household: Household, vis) -> list:
    """The related rows of the file's sections that ``vis`` shows (the status history, splits, wished
    locations and rehousings are shown to everyone who opens the file). A relation the main query
    found empty is prefetched from an empty queryset: no query, and reading it costs none."""
    from relogement.rehousing.models import Rehousing

    lookups = [
        Prefetch(
            "status_changes",
            queryset=HouseholdStatusChange.objects.select_related("actor").order_by("-effective_date", "-pk"),
        ),
        Prefetch(
            "splits",
            queryset=Household.objects.order_by("reference")
            if household.has_splits
            else Household.objects.none(),
        ),
        Prefetch(
            "wishes__locations", queryset=WishedLocation.objects.select_related("commune").order_by("rank")
        ),
        # Read by the status section and by the offers panel (offers.selectors.household_offers).
        Prefetch(
            "rehousings", queryset=Rehousing.objects.select_related("commune").order_by("move_in_date", "pk")
        ),
    ]
    if vis.members:
        lookups.append(Prefetch("members", queryset=HouseholdMember.objects.order_by("pk")))
    if vis.resources:
        lookups.append(Prefetch("resources", queryset=ResourceLine.objects.select_related("member")))
    if vis.diagnosis_any:
        lookups.append(
            Prefetch(
                "diagnoses",
                queryset=SocialDiagnosis.objects.select_related("author").order_by("-date", "-pk"),
            )
        )
    if vis.support_log:
        lookups.append(Prefetch("support_log", queryset=SupportLogEntry.objects.select_related("author")))
    if vis.next_steps:
        lookups.append(
            Prefetch(
                "next_steps",
                queryset=NextStep.objects.select_related("assignee").order_by("done_on", "due_date"),
            )
        )
    if vis.provider_changes:
        changes = ProviderReassignment.objects.select_related("from_provider", "to_provider", "actor")
        lookups.append(
            Prefetch(
                "provider_changes", queryset=changes if household.has_provider_changes else changes.none()
            )
        )
    return lookups


def wished_locations(household: Household) -> list[WishedLocation]:
    """The ranked wished locations (prefetched by household_file)."""
    if not hasattr(household, "wishes"):  # no wishes row yet (reverse one-to-one raises AttributeError)
        return []
    return list(household.wishes.locations.all())


def overdue_steps_for(user, *, today: dt.date | None = None, limit: int = 20) -> list[NextStep]:
    """Next steps past their due date that are the user's to do: assigned to them, or unassigned on a
    household whose referent they are, or unassigned on a household of their provider without referent.
    Empty for roles that do not follow households."""
    return list(my_overdue_steps(user, today=today)[:limit])


def my_overdue_steps(user, *, today: dt.date | None = None) -> QuerySet:
    """``overdue_steps_for`` as a query, all of them (the alert rules slice it and count it)."""
    today = today or dt.date.today()
    org = organisation_of(user)
    if org is None or not predicates.can_list_next_steps(user):
        return NextStep.objects.none()
    mine = Q(assignee=user) | Q(assignee__isnull=True, household__referent=user)
    if org.kind == "social_provider":
        mine |= Q(assignee__isnull=True, household__referent__isnull=True, household__social_provider=org)
    return (
        NextStep.objects.visible_to(user)
        .filter(mine, done_on__isnull=True, due_date__lt=today)
        .select_related("household")
        .order_by("due_date", "pk")
    )


def referent_choices(organisation):
    """Social workers of a provider (referent candidates)."""
    from relogement.accounts.models import User

    if organisation is None:
        return User.objects.none()
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
