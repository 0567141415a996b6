"""Recording a newly censused household (*recensement*) in the application (issue 14, point 1).

The project office (MOUS) or a social provider records a household of a building of a project it acts
on: its origin dwelling (one of the building's, or a new one), its members, resources by kind, rent,
charges and benefits before rehousing, SNE number, census date and social provider. One atomic
service, ``household_census``: it validates everything first (a ``CensusError`` names the field, and
nothing is written), then creates the household, its members, its resource lines, its first status
change (« À diagnostiquer », dated on the census) and their history records. The indicators need no
call: the database triggers mark the new household stale and the cache key follows the tables'
data version (indicators/cache.py, facts.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from relogement.accounts.models import Organisation, OrganisationKind
from relogement.core.errors import DomainError
from relogement.households import sne
from relogement.households import validation as v
from relogement.households.models import (
    EmploymentSituation,
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    HouseholdType,
    OccupancyStatus,
    Relation,
    ResourceKind,
    ResourceLine,
)
from relogement.households.services import _child_saved
from relogement.households.statuses import HouseholdStatus
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import Building, DwellingType, OriginDwelling, Project

CENSUS_REASON = "Recensement"
EARLIEST_CENSUS = dt.date(2000, 1, 1)


class CensusError(DomainError):
    """A refused census, naming the form field at fault (``member_index``: which member row)."""

    def __init__(self, message: str, field: str | None = None, member_index: int | None = None):
        super().__init__(message)
        self.field = field
        self.member_index = member_index


@dataclass(frozen=True)
class MemberInput:
    first_name: str
    last_name: str
    relation: str
    birth_date: dt.date | None = None
    employment: str = ""


@dataclass(frozen=True)
class NewDwelling:
    reference: str
    dwelling_type: str = ""
    living_area: Decimal | None = None
    floor: int | None = None
    has_lift: bool = False


# --- Perimeter ----------------------------------------------------------------------------------------


def census_buildings(user) -> QuerySet[Building]:
    """Buildings the user may census into: those of the projects its organisation acts on
    (``Organisation.projects``), for the roles of ``can_census_households``; none for the others.
    Outside them the census pages answer 404."""
    org = organisation_of(user)
    if org is None or not predicates.can_census_households(user):
        return Building.objects.none()
    return Building.objects.filter(project_id__in=org.projects.values("pk"))


def provider_choices(user, building: Building) -> QuerySet[Organisation]:
    """The providers a household of this building may be assigned to: the social providers acting on
    its project; a social provider records only households it follows itself (it would lose sight of
    the others at once)."""
    providers = Organisation.objects.filter(
        kind=OrganisationKind.SOCIAL_PROVIDER, projects=building.project_id
    ).order_by("name")
    org = organisation_of(user)
    if org is not None and org.kind == OrganisationKind.SOCIAL_PROVIDER:
        providers = providers.filter(pk=org.pk)
    return providers


# --- Validation -----------------------------------------------------------------------------------------


def _check(check, field: str, *args, member_index: int | None = None) -> None:
    """Run one of the shared validators, naming the field when it refuses."""
    try:
        check(*args)
    except DomainError as exc:
        raise CensusError(exc.message, field, member_index) from exc


_AMOUNTS = {
    "rent_before": "Le loyer",
    "charges_before": "Le montant des charges",
    "apl_before": "Le montant d'APL",
    "rls_before": "Le montant de RLS",
}


def _validate_members(members: Sequence[MemberInput], census_date: dt.date) -> None:
    if not members:
        raise CensusError("Indiquez au moins la personne de référence du ménage.", "members")
    references = [i for i, m in enumerate(members) if m.relation == Relation.REFERENCE]
    if len(references) != 1:
        message = (
            "Le ménage a une seule personne de référence."
            if references
            else "Indiquez la personne de référence du ménage."
        )
        raise CensusError(message, "relation", references[1] if len(references) > 1 else 0)
    for index, member in enumerate(members):
        _check(v.required_text, "last_name", member.last_name, "Le nom", member_index=index)
        _check(v.required_text, "first_name", member.first_name, "Le prénom", member_index=index)
        if member.relation not in Relation.values:
            raise CensusError("Lien avec la personne de référence inconnu.", "relation", index)
        if member.employment and member.employment not in EmploymentSituation.values:
            raise CensusError("Situation professionnelle inconnue.", "employment", index)
        if member.birth_date is not None:
            _check(
                v.not_in_future, "birth_date", member.birth_date, "La date de naissance", member_index=index
            )
            if member.birth_date > census_date:
                raise CensusError(
                    f"Un membre ne peut pas être né après la date de recensement ({census_date:%d/%m/%Y}).",
                    "birth_date",
                    index,
                )
            if member.birth_date < dt.date(1900, 1, 1):
                raise CensusError("La date de naissance est invraisemblable.", "birth_date", index)


def _validate_dwelling(building: Building, origin_dwelling, new_dwelling: NewDwelling | None) -> None:
    if origin_dwelling is not None and new_dwelling is not None:
        raise CensusError(
            "Choisissez un logement du bâtiment ou créez-en un, pas les deux.", "new_dwelling_reference"
        )
    if origin_dwelling is None and new_dwelling is None:
        raise CensusError(
            "Choisissez le logement d'origine dans la liste ou décrivez le nouveau logement.",
            "origin_dwelling",
        )
    if origin_dwelling is not None and origin_dwelling.building_id != building.pk:
        raise CensusError("Ce logement n'appartient pas au bâtiment.", "origin_dwelling")
    if new_dwelling is None:
        return
    reference = new_dwelling.reference.strip()
    if not reference:
        raise CensusError("La référence du logement est obligatoire.", "new_dwelling_reference")
    if OriginDwelling.objects.filter(building=building, reference__iexact=reference).exists():
        raise CensusError(
            f"Le logement « {reference} » existe déjà dans ce bâtiment : choisissez-le dans la liste.",
            "new_dwelling_reference",
        )
    if new_dwelling.dwelling_type and new_dwelling.dwelling_type not in DwellingType.values:
        raise CensusError("Typologie inconnue.", "new_dwelling_type")
    _check(v.positive, "new_dwelling_living_area", new_dwelling.living_area, "La surface habitable")
    _check(v.in_range, "new_dwelling_floor", new_dwelling.floor, -2, 60, "L'étage")


def _household_type(members: Sequence[MemberInput]) -> str:
    """The household type read from the relations: who lives with the reference person."""
    relations = [m.relation for m in members]
    children = relations.count(Relation.CHILD)
    others = len(relations) - 1 - children
    spouse = Relation.SPOUSE in relations
    if others == 0 and children == 0:
        return HouseholdType.SINGLE
    if spouse and others == 1:
        return HouseholdType.COUPLE_WITH_CHILDREN if children else HouseholdType.COUPLE
    if others == 0:
        return HouseholdType.SINGLE_PARENT
    return HouseholdType.OTHER


def _composition(members: Sequence[MemberInput]) -> dict:
    """Adults, children and the reference person's age, as households.services._sync_composition
    computes them from recorded members (age today; without a birth date, a child is a child)."""
    today = v.today()
    adults = children = 0
    reference_age = None
    for member in members:
        if member.birth_date is not None:
            age = v.age_on(member.birth_date, today)
            is_adult = age >= 18
            if member.relation == Relation.REFERENCE:
                reference_age = age
        else:
            is_adult = member.relation != Relation.CHILD
        adults, children = (adults + 1, children) if is_adult else (adults, children + 1)
    return {"adults_count": adults, "children_count": children, "reference_age": reference_age}


# --- The service ----------------------------------------------------------------------------------------


@transaction.atomic
def household_census(
    *,
    actor,
    building: Building,
    reference: str,
    census_date: dt.date,
    social_provider: Organisation | None,
    members: Sequence[MemberInput],
    origin_dwelling: OriginDwelling | None = None,
    new_dwelling: NewDwelling | None = None,
    resources: dict[str, Decimal | None] | None = None,
    rent_before: Decimal | None = None,
    charges_before: Decimal | None = None,
    apl_before: Decimal | None = None,
    rls_before: Decimal | None = None,
    tenancy_start: dt.date | None = None,
    sne_number: str = "",
    occupancy_status: str = "",
) -> Household:
    """Record a censused household of ``building``; refuses (CensusError, nothing written) a building
    outside the actor's census perimeter, bad dates or amounts, an SNE number of the wrong format, a
    reference or dwelling reference already used, a provider that does not act on the project."""
    if not census_buildings(actor).filter(pk=building.pk).exists():
        raise CensusError("Vous ne pouvez pas recenser de ménage dans ce bâtiment.")
    # One census at a time per project: the reference (unique in the project) and the dwelling
    # reference (unique in the building) are checked case-insensitively below, which the database
    # constraints (case-sensitive) would not catch between two concurrent saves.
    Project.objects.select_for_update(no_key=True).get(pk=building.project_id)
    reference = (reference or "").strip()
    if not reference:
        raise CensusError("La référence du ménage est obligatoire.", "reference")
    if Household.objects.filter(project_id=building.project_id, reference__iexact=reference).exists():
        raise CensusError(f"La référence « {reference} » existe déjà dans ce projet.", "reference")
    if census_date is None:
        raise CensusError("La date de recensement est obligatoire.", "census_date")
    _check(v.not_in_future, "census_date", census_date, "La date de recensement")
    if census_date < EARLIEST_CENSUS:
        raise CensusError("La date de recensement est invraisemblable.", "census_date")
    _check(v.not_in_future, "tenancy_start", tenancy_start, "La date d'entrée dans le logement")
    if tenancy_start is not None and tenancy_start > census_date:
        raise CensusError(
            "La date d'entrée dans le logement ne peut pas suivre la date de recensement.", "tenancy_start"
        )
    amounts = {"rent_before": rent_before, "charges_before": charges_before}
    amounts |= {"apl_before": apl_before, "rls_before": rls_before}
    for name, label in _AMOUNTS.items():
        _check(v.not_negative, name, amounts[name], label)
    resources = {kind: amount for kind, amount in (resources or {}).items() if amount}
    for kind, amount in resources.items():
        if kind not in ResourceKind.values:
            raise CensusError("Nature de ressource inconnue.")
        _check(v.not_negative, f"amount_{kind}", amount, f"Le montant « {ResourceKind(kind).label} »")
    try:
        sne_number = sne.validate(sne_number)
    except DomainError as exc:
        raise CensusError(exc.message, "sne_number") from exc
    if social_provider is None:
        raise CensusError("Choisissez le prestataire social du ménage.", "social_provider")
    if not provider_choices(actor, building).filter(pk=social_provider.pk).exists():
        raise CensusError(
            f"« {social_provider.name} » n'est pas un prestataire social de ce projet que vous pouvez choisir.",
            "social_provider",
        )
    occupancy_status = occupancy_status or (
        OccupancyStatus.SOCIAL_TENANT if building.landlord_id else OccupancyStatus.PRIVATE_TENANT
    )
    if occupancy_status not in OccupancyStatus.values:
        raise CensusError("Statut d'occupation inconnu.", "occupancy_status")
    if occupancy_status == OccupancyStatus.SOCIAL_TENANT and building.landlord_id is None:
        # The offer rule follows this status (offers.offer_rules.applicable_rule): a private building
        # has no social tenants.
        raise CensusError(
            "Ce bâtiment du parc privé n'a pas de bailleur social : choisissez propriétaire occupant, "
            "locataire du parc privé ou occupant sans titre.",
            "occupancy_status",
        )
    _validate_dwelling(building, origin_dwelling, new_dwelling)
    _validate_members(members, census_date)

    if new_dwelling is not None:
        origin_dwelling = OriginDwelling(
            building=building,
            reference=new_dwelling.reference.strip(),
            dwelling_type=new_dwelling.dwelling_type or "",
            living_area=new_dwelling.living_area,
            floor=new_dwelling.floor,
            has_lift=new_dwelling.has_lift,
        )
        _child_saved(origin_dwelling, actor, f"{CENSUS_REASON} de {reference}")
    head = next(m for m in members if m.relation == Relation.REFERENCE)
    household = Household(
        reference=reference,
        project_id=building.project_id,
        building=building,
        origin_dwelling=origin_dwelling,
        social_provider=social_provider,
        status=HouseholdStatus.TO_DIAGNOSE,
        census_date=census_date,
        reference_name=f"{head.first_name.strip()} {head.last_name.strip()}",
        household_type=_household_type(members),
        monthly_resources=sum(resources.values(), Decimal("0")) if resources else None,
        **_composition(members),
        tenancy_start=tenancy_start,
        sne_number=sne_number,
        occupancy_status=occupancy_status,
        **amounts,
    )
    if origin_dwelling is not None:
        # The household's own copy of its dwelling's features (the file and the indicators read these).
        household.origin_dwelling_type = origin_dwelling.dwelling_type
        household.origin_living_area = origin_dwelling.living_area
        household.origin_floor = origin_dwelling.floor
    _child_saved(household, actor, CENSUS_REASON)
    for member in members:
        row = HouseholdMember(
            household=household,
            first_name=member.first_name.strip(),
            last_name=member.last_name.strip(),
            birth_date=member.birth_date,
            relation=member.relation,
            employment=member.employment or "",
        )
        _child_saved(row, actor, CENSUS_REASON)
    for kind, amount in resources.items():
        line = ResourceLine(household=household, kind=kind, monthly_amount=amount)
        _child_saved(line, actor, CENSUS_REASON)
    HouseholdStatusChange.objects.create(
        household=household,
        from_status="",
        to_status=HouseholdStatus.TO_DIAGNOSE,
        effective_date=census_date,
        reason=CENSUS_REASON,
        actor=actor,
    )
    return household
