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


def household_context(household, *, on: dt.date | None = None) -> HouseholdContext:
    try:
        wishes = household.wishes
    except ObjectDoesNotExist:  # no wishes recorded yet
        wishes = None
    before = [household.rent_before, household.charges_before]
    aid = [household.apl_before, household.rls_before]
    rac_before = None
    aid_before = None
    if all(v is not None for v in aid):
        aid_before = float(aid[0] + aid[1])
    if all(v is not None for v in before):
        rac_before = float(before[0] + before[1]) - (aid_before or 0.0)
    locations = sorted(wishes.locations.all(), key=lambda loc: loc.rank) if wishes else []
    rooms = set()
    for value in (wishes.dwelling_types if wishes else None) or []:
        if isinstance(value, str) and len(value) == 2 and value[0] == "T" and value[1].isdigit():
            rooms.add(int(value[1]))
    options = registry.options_for(household.project)
    return HouseholdContext(
        pk=household.pk,
        adults=household.adults_count,
        children=household.children_count,
        today=on or today(),
        monthly_resources=_float(household.monthly_resources),
        rac_before=rac_before,
        aid_before=aid_before,
        reduced_mobility=household.reduced_mobility,
        needs_ground_floor_or_lift=household.needs_ground_floor_or_lift,
        needs_lift=bool(wishes and wishes.needs_lift),
        max_floor=wishes.max_floor if wishes else None,
        max_residual_rent=_float(wishes.max_residual_rent) if wishes else None,
        demolition_date=household.building.planned_demolition_date,
        census_date=household.census_date,
        wish_communes=tuple(loc.commune_id for loc in locations),
        wish_commune_names=tuple(loc.commune.name for loc in locations),
        wish_rooms=frozenset(rooms),
        housing_kind=(wishes.housing_kind if wishes else "") or "",
        age=(wishes.age if wishes else "") or "",
        under_occupation_hard=options["under_occupation_hard"],
        project_id=household.project_id,
        household=household,
    )


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
            }
            for r in rows
        ]
    )
