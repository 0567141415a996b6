"""Read households and offers from the database into the shapes the criteria work on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from relogement.matching import registry
from relogement.matching.criteria.base import HouseholdContext, OfferTable
from relogement.offers.models import HousingOffer, OfferStatus

OFFER_FIELDS = (
    "pk",
    "reference",
    "commune_id",
    "commune__name",
    "commune__insee_code",
    "in_qpv",
    "dwelling_type",
    "living_area",
    "floor",
    "has_lift",
    "accessible",
    "is_house",
    "rent",
    "charges",
    "commissioning_date",
    "available_from",
    "commune__zone_apl",
    "stock_kind",
)


def today() -> dt.date:
    return timezone.localdate()


def household_queryset(queryset):
    """What ``household_context`` reads, in a constant number of queries."""
    return queryset.select_related("building", "project", "wishes").prefetch_related(
        "wishes__locations__commune", "resources", "members"
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


HOUSEHOLD_FIELDS = (
    "pk",
    "adults_count",
    "children_count",
    "monthly_resources",
    "rent_before",
    "charges_before",
    "apl_before",
    "rls_before",
    "reduced_mobility",
    "needs_ground_floor_or_lift",
    "census_date",
    "project_id",
)
WISHES_FIELDS = ("needs_lift", "max_floor", "max_residual_rent", "dwelling_types", "housing_kind", "age")


def _build_context(
    values: dict, wishes: dict | None, locations, demolition_date, options, on, household=None
):
    """One ``HouseholdContext`` from plain values: shared by the model path and the bulk path."""
    # INDICATORS.md: an empty RLS counts as 0, an empty rent, charges or APL leaves the residual rent
    # unknown (a blank APL is not an APL of 0).
    aid_before = None
    if values["apl_before"] is not None:
        aid_before = float(values["apl_before"] + (values["rls_before"] or 0))
    rac_before = None
    if aid_before is not None and values["rent_before"] is not None and values["charges_before"] is not None:
        rac_before = float(values["rent_before"] + values["charges_before"]) - aid_before
    locations = sorted(locations, key=lambda loc: loc[0])  # (rank, commune id, commune name)
    rooms = set()
    for value in (wishes["dwelling_types"] if wishes else None) or []:
        if isinstance(value, str) and len(value) == 2 and value[0] == "T" and value[1].isdigit():
            rooms.add(int(value[1]))
    return HouseholdContext(
        pk=values["pk"],
        adults=values["adults_count"],
        children=values["children_count"],
        today=on or today(),
        monthly_resources=_float(values["monthly_resources"]),
        rac_before=rac_before,
        aid_before=aid_before,
        reduced_mobility=values["reduced_mobility"],
        needs_ground_floor_or_lift=values["needs_ground_floor_or_lift"],
        needs_lift=bool(wishes and wishes["needs_lift"]),
        max_floor=wishes["max_floor"] if wishes else None,
        max_residual_rent=_float(wishes["max_residual_rent"]) if wishes else None,
        demolition_date=demolition_date,
        census_date=values["census_date"],
        wish_communes=tuple(loc[1] for loc in locations),
        wish_commune_names=tuple(loc[2] for loc in locations),
        wish_rooms=frozenset(rooms),
        housing_kind=(wishes["housing_kind"] if wishes else "") or "",
        age=(wishes["age"] if wishes else "") or "",
        under_occupation_hard=options["under_occupation_hard"],
        project_id=values["project_id"],
        household=household,
    )


def household_context(household, *, on: dt.date | None = None) -> HouseholdContext:
    try:
        wishes = household.wishes
    except ObjectDoesNotExist:  # no wishes recorded yet
        wishes = None
    locations = (
        [(loc.rank, loc.commune_id, loc.commune.name) for loc in wishes.locations.all()] if wishes else []
    )
    return _build_context(
        {name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
        {name: getattr(wishes, name) for name in WISHES_FIELDS} if wishes else None,
        locations,
        household.building.planned_demolition_date,
        registry.options_for(household.project),
        on,
        household=household,
    )


def household_contexts(queryset, *, on: dt.date | None = None, projects=None) -> list[HouseholdContext]:
    """The contexts of many households without model instances, in three queries whatever their number.

    For pages that score one offer against thousands of households (no benefits engine there, so no
    ``household`` attached). Same values as ``household_context`` (tested). ``projects`` (pk → Project
    with ``matching_weights``) saves the query of the projects when the caller has them.
    """
    from relogement.households.models import WishedLocation
    from relogement.projects.models import Project

    wish_fields = [f"wishes__{name}" for name in WISHES_FIELDS]
    names = [*HOUSEHOLD_FIELDS, "wishes__pk", "building__planned_demolition_date", *wish_fields]
    rows = [dict(zip(names, row, strict=True)) for row in queryset.order_by("pk").values_list(*names)]
    if not rows:
        return []
    locations: dict[int, list] = {}
    for household_id, *location in (
        WishedLocation.objects.filter(wishes__household__in=queryset.values("pk"))
        .order_by()
        .values_list("wishes__household_id", "rank", "commune_id", "commune__name")
    ):
        locations.setdefault(household_id, []).append(tuple(location))
    if projects is None:
        projects = {
            project.pk: project
            for project in Project.objects.filter(pk__in={row["project_id"] for row in rows})
        }
    options = {pk: registry.options_for(project) for pk, project in projects.items()}
    return [
        _build_context(
            row,
            {name: row[f"wishes__{name}"] for name in WISHES_FIELDS} if row["wishes__pk"] else None,
            locations.get(row["pk"], []),
            row["building__planned_demolition_date"],
            options[row["project_id"]],
            on,
        )
        for row in rows
    ]


def available_offers(user):
    """Candidate offers: available ones, within the user's scope."""
    return HousingOffer.objects.visible_to(user).filter(status=OfferStatus.AVAILABLE)


def offer_table(queryset) -> OfferTable:
    rows = list(queryset.order_by("pk").values_list(*OFFER_FIELDS))
    return table_from_tuples(rows)


def table_from_tuples(rows: Iterable[tuple]) -> OfferTable:
    return OfferTable.from_rows(
        [
            {
                "pk": r[0],
                "reference": r[1] or f"#{r[0]}",
                "commune_id": r[2],
                "commune_name": r[3],
                "insee_code": r[4],
                "in_qpv": r[5],
                "rooms": int(r[6][1:]),
                "living_area": r[7],
                "floor": r[8],
                "has_lift": r[9],
                "accessible": r[10],
                "is_house": r[11],
                "rent": r[12],
                "charges": r[13],
                "commissioning": r[14],
                "available_from": r[15],
                "zone": r[16],
                "stock": r[17],
            }
            for r in rows
        ]
    )
