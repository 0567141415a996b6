"""Writes on the household file. Each service is atomic, takes the acting user, validates (French
DomainError, nothing changes), bumps the file's ``version`` (optimistic locking, see locking.py) and
leaves a history record with its reason (django-simple-history ``_change_reason``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction

from relogement.accounts.models import Membership, OrganisationKind
from relogement.core.errors import DomainError
from relogement.households import validation as v
from relogement.households.locking import check_version
from relogement.households.models import (
    EmploymentSituation,
    Household,
    HouseholdMember,
    NextStep,
    Relation,
    ResourceKind,
    ResourceLine,
    SocialDiagnosis,
    SupportEntryKind,
    SupportLevel,
    SupportLogEntry,
    WishedLocation,
    Wishes,
)
from relogement.households.statuses import HouseholdStatus
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import DwellingType

# Fields of the household row that the file's sections may change (others belong to services:
# status → lifecycle, version → locking, project/building → structure).
UPDATABLE_FIELDS = {
    "reference_name",
    "household_type",
    "adults_count",
    "children_count",
    "monthly_resources",
    "tenancy_start",
    "rent_before",
    "charges_before",
    "apl_before",
    "rls_before",
    "origin_dwelling_type",
    "origin_living_area",
    "origin_floor",
    "sne_number",
    "information_notice_date",
    "reduced_mobility",
    "needs_ground_floor_or_lift",
    "large_family",
    "has_pets",
    "specially_designed_dwelling",
    "health_note",
}


def _lock(household: Household, expected_version: int | None) -> Household:
    locked = Household.objects.select_for_update(no_key=True).get(pk=household.pk)
    check_version(locked, expected_version)
    return locked


def _save_file(household: Household, actor, reason: str, fields: Iterable[str] = ()) -> Household:
    """Bump the version and save the household with its history record."""
    household.version += 1
    household._change_reason = reason[:100]
    household._history_user = actor
    update_fields = {"version", "updated_at", *fields}
    household.save(update_fields=sorted(update_fields))
    return household


def _writer_id(household: Household, actor) -> int | None:
    """The organisation a social note is written for, which then holds it (can_view_social_note): the
    one the actor acts for; without one (a script), the household's assigned provider."""
    org = organisation_of(actor) if actor is not None else None
    return org.pk if org is not None else household.social_provider_id


def _child_saved(instance, actor, reason: str) -> None:
    instance._change_reason = reason[:100]
    instance._history_user = actor
    instance.save()


def _sync_composition(household: Household) -> list[str]:
    """Adults/children counts and the reference age follow the members when members are recorded."""
    members = list(household.members.all())
    if not members:
        return []
    today = v.today()
    adults = children = 0
    reference_age = household.reference_age
    for member in members:
        if member.birth_date is not None:
            age = v.age_on(member.birth_date, today)
            is_adult = age >= 18
            if member.relation == Relation.REFERENCE:
                reference_age = age
        else:
            is_adult = member.relation != Relation.CHILD
        if is_adult:
            adults += 1
        else:
            children += 1
    household.adults_count, household.children_count = adults, children
    household.reference_age = reference_age
    return ["adults_count", "children_count", "reference_age"]


def _sync_resources(household: Household) -> list[str]:
    """Monthly resources are the sum of the resource lines when lines are recorded."""
    amounts = list(household.resources.values_list("monthly_amount", flat=True))
    if not amounts:
        return []
    household.monthly_resources = sum(amounts, Decimal("0"))
    return ["monthly_resources"]


_AMOUNT_LABELS = {
    "rent_before": "Le loyer",
    "charges_before": "Le montant des charges",
    "apl_before": "Le montant d'APL",
    "rls_before": "Le montant de RLS",
    "monthly_resources": "Le montant des ressources mensuelles",
}


def _validate_household_values(household: Household, values: dict) -> None:
    v.not_in_future(values.get("tenancy_start"), "La date d'entrée dans le logement")
    v.not_in_future(values.get("information_notice_date"), "La date de remise de la notice d'information")
    for name, label in _AMOUNT_LABELS.items():
        v.not_negative(values.get(name), label)
    v.positive(values.get("origin_living_area"), "La surface d'origine")
    v.in_range(values.get("origin_floor"), -2, 60, "L'étage d'origine")
    if values.get("origin_dwelling_type") and values["origin_dwelling_type"] not in DwellingType.values:
        raise DomainError("Typologie d'origine inconnue.")
    notice = values.get("information_notice_date")
    if notice is not None and notice < dt.date(2000, 1, 1):
        raise DomainError("La date de remise de la notice d'information est invraisemblable.")
    v.in_range(values.get("adults_count"), 1, 30, "Le nombre d'adultes")
    v.in_range(values.get("children_count"), 0, 30, "Le nombre d'enfants")


@transaction.atomic
def household_update(
    *, household: Household, changes: dict, actor, expected_version: int | None, reason: str = ""
) -> Household:
    """Change fields of the file (one section of the page); refuses stale edits and bad values."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise DomainError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}.")
    locked = _lock(household, expected_version)
    if {"adults_count", "children_count"} & set(changes) and locked.members.exists():
        current = (locked.adults_count, locked.children_count)
        wanted = (
            changes.get("adults_count", locked.adults_count),
            changes.get("children_count", locked.children_count),
        )
        if wanted != current:
            raise DomainError(
                "La composition est calculée à partir des membres : ajoutez ou retirez des membres."
            )
    if "monthly_resources" in changes and locked.resources.exists():
        if changes["monthly_resources"] != locked.monthly_resources:
            raise DomainError(
                "Les ressources mensuelles sont la somme des ressources par nature : modifiez celles-ci."
            )
    _validate_household_values(locked, changes)
    writer = _writer_id(locked, actor)
    if "health_note" in changes and locked.health_note_holder_id != writer:
        # The writer does not read the current note (a previous provider's, not handed over): its form
        # started empty, so an empty note records nothing and leaves that note with its holder.
        if not (changes["health_note"] or "").strip():
            changes = {name: value for name, value in changes.items() if name != "health_note"}
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, changes[name])
    labels = ", ".join(str(Household._meta.get_field(n).verbose_name) for n in changed)
    if "health_note" in changed:
        # The note replaces the previous one and is held by its writer.
        locked.health_note_holder_id = writer
        changed.append("health_note_holder")
    return _save_file(locked, actor, reason or f"Modification : {labels}", changed)


# --- Members ----------------------------------------------------------------------------------------


def _validate_member(household: Household, *, first_name, last_name, birth_date, relation, employment):
    first_name = v.required_text(first_name, "Le prénom")
    last_name = v.required_text(last_name, "Le nom")
    if relation not in Relation.values:
        raise DomainError("Lien avec la personne de référence inconnu.")
    if employment and employment not in EmploymentSituation.values:
        raise DomainError("Situation professionnelle inconnue.")
    if birth_date is not None:
        v.not_in_future(birth_date, "La date de naissance")
        if birth_date > household.census_date:
            raise DomainError(
                f"Un membre ne peut pas être né après la date de recensement "
                f"({household.census_date:%d/%m/%Y})."
            )
        if birth_date < dt.date(1900, 1, 1):
            raise DomainError("La date de naissance est invraisemblable.")
    return first_name, last_name


@transaction.atomic
def member_add(
    *,
    household: Household,
    first_name: str,
    last_name: str,
    relation: str,
    actor,
    birth_date: dt.date | None = None,
    employment: str = "",
    expected_version: int | None = None,
) -> HouseholdMember:
    locked = _lock(household, expected_version)
    first_name, last_name = _validate_member(
        locked,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        relation=relation,
        employment=employment,
    )
    if relation == Relation.REFERENCE and locked.members.filter(relation=Relation.REFERENCE).exists():
        raise DomainError("Le ménage a déjà une personne de référence.")
    member = HouseholdMember(
        household=locked,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        relation=relation,
        employment=employment or "",
    )
    _child_saved(member, actor, "Membre ajouté")
    fields = _sync_composition(locked)
    _save_file(locked, actor, f"Membre ajouté : {member}", fields)
    return member


@transaction.atomic
def member_update(
    *, member: HouseholdMember, actor, expected_version: int | None, **values
) -> HouseholdMember:
    allowed = {"first_name", "last_name", "birth_date", "relation", "employment"}
    if set(values) - allowed:
        raise DomainError("Champ de membre inconnu.")
    locked = _lock(member.household, expected_version)
    member = HouseholdMember.objects.get(pk=member.pk, household=locked)
    merged = {name: values.get(name, getattr(member, name)) for name in allowed}
    merged["first_name"], merged["last_name"] = _validate_member(locked, **merged)
    if (
        merged["relation"] == Relation.REFERENCE
        and locked.members.filter(relation=Relation.REFERENCE).exclude(pk=member.pk).exists()
    ):
        raise DomainError("Le ménage a déjà une personne de référence.")
    for name, value in merged.items():
        setattr(member, name, value or ("" if name == "employment" else value))
    _child_saved(member, actor, "Membre modifié")
    fields = _sync_composition(locked)
    _save_file(locked, actor, f"Membre modifié : {member}", fields)
    return member


def _refuse_while_proposal_in_progress(household: Household) -> None:
    """A proposal was made for the household as it stands (the dwelling's size, the commission's file):
    removing a member meanwhile would make the file and the proposal disagree. The proposal is closed
    first (the household's answer, the commission's decision or a withdrawal)."""
    from relogement.offers.proposal_states import IN_PROGRESS

    if (
        household.status == HouseholdStatus.PROPOSAL_IN_PROGRESS
        or household.proposals.filter(status__in=IN_PROGRESS).exists()
    ):
        raise DomainError(
            "Une proposition de logement est en cours pour ce ménage : un membre ne peut pas être retiré "
            "tant qu'elle n'est pas close (réponse du ménage, décision de la CALEOL ou retrait)."
        )


@transaction.atomic
def member_remove(*, member: HouseholdMember, actor, expected_version: int | None) -> Household:
    locked = _lock(member.household, expected_version)
    member = HouseholdMember.objects.get(pk=member.pk, household=locked)
    _refuse_while_proposal_in_progress(locked)
    label = str(member)
    member._change_reason = "Membre retiré"
    member._history_user = actor
    member.delete()
    fields = _sync_composition(locked)
    return _save_file(locked, actor, f"Membre retiré : {label}", fields)


# --- Resources --------------------------------------------------------------------------------------


_KEEP_MEMBER = object()


def _set_line(household: Household, kind: str, amount: Decimal | None, actor, member=_KEEP_MEMBER) -> bool:
    """``member``: whose income the line is (None: the household as a whole); left as stored when not
    given (callers that do not show members never clear an assignment)."""
    if kind not in ResourceKind.values:
        raise DomainError("Nature de ressource inconnue.")
    v.not_negative(amount, f"Le montant « {ResourceKind(kind).label} »")
    line = household.resources.filter(kind=kind).first()
    if not amount:
        if line is None:
            return False
        line._change_reason = "Ressource supprimée"
        line._history_user = actor
        line.delete()
        return True
    member_id = line.member_id if member is _KEEP_MEMBER and line else getattr(member, "pk", None)
    if line is None:
        line = ResourceLine(household=household, kind=kind, monthly_amount=amount, member_id=member_id)
    elif line.monthly_amount == amount and line.member_id == member_id:
        return False
    else:
        line.monthly_amount = amount
        line.member_id = member_id
    _child_saved(line, actor, "Ressource enregistrée")
    return True


@transaction.atomic
def resource_set(
    *, household: Household, kind: str, monthly_amount: Decimal | None, actor, expected_version=None
) -> Household:
    """Set the monthly amount of one kind of resource (empty or zero removes the line)."""
    locked = _lock(household, expected_version)
    if not _set_line(locked, kind, monthly_amount, actor):
        return locked
    fields = _sync_resources(locked)
    return _save_file(locked, actor, f"Ressources : {ResourceKind(kind).label}", fields)


@transaction.atomic
def resources_replace(
    *,
    household: Household,
    amounts: dict[str, Decimal | None],
    actor,
    expected_version: int | None,
    members: dict[str, HouseholdMember | None] | None = None,
) -> Household:
    """Set every kind at once (the resources form); one version for the whole change.

    ``members``: kind → the member whose income it is (None: the household as a whole); omitted, the
    stored assignments are kept. A member of another household is refused (nothing written)."""
    locked = _lock(household, expected_version)
    for kind, amount in amounts.items():
        v.not_negative(amount, f"Le montant « {ResourceKind(kind).label} »")
    members = members or {}
    own = set(locked.members.values_list("pk", flat=True))
    for kind, member in members.items():
        if member is not None and member.pk not in own:
            raise DomainError(f"« {ResourceKind(kind).label} » : ce membre n'appartient pas à ce ménage.")
    changed = [
        kind
        for kind, amount in amounts.items()
        if _set_line(locked, kind, amount, actor, members.get(kind, _KEEP_MEMBER))
    ]
    if not changed:
        return locked
    fields = _sync_resources(locked)
    labels = ", ".join(ResourceKind(k).label for k in changed)
    return _save_file(locked, actor, f"Ressources : {labels}", fields)


# --- Diagnosis, wishes --------------------------------------------------------------------------------


@transaction.atomic
def diagnosis_record(
    *,
    household: Household,
    date: dt.date,
    actor,
    findings: str = "",
    conclusions: str = "",
    rent_arrears: bool = False,
    debts: bool = False,
    support_level: str = "",
) -> SocialDiagnosis:
    locked = _lock(household, None)
    if date is None:
        raise DomainError("La date du diagnostic est obligatoire.")
    v.not_in_future(date, "La date du diagnostic")
    if date < locked.census_date:
        raise DomainError("Le diagnostic ne peut pas précéder la date de recensement.")
    if support_level and support_level not in SupportLevel.values:
        raise DomainError("Niveau d'accompagnement inconnu.")
    if not (findings or "").strip() and not (conclusions or "").strip():
        raise DomainError("Renseignez les constats ou les conclusions du diagnostic.")
    diagnosis = SocialDiagnosis(
        household=locked,
        date=date,
        author=actor,
        findings=(findings or "").strip(),
        conclusions=(conclusions or "").strip(),
        rent_arrears=rent_arrears,
        debts=debts,
        support_level=support_level or "",
        organisation_id=_writer_id(locked, actor),
    )
    _child_saved(diagnosis, actor, "Diagnostic enregistré")
    _save_file(locked, actor, f"Diagnostic social du {date:%d/%m/%Y}")
    return diagnosis


@transaction.atomic
def wishes_update(
    *,
    household: Household,
    actor,
    expected_version: int | None,
    dwelling_types: Sequence[str] = (),
    housing_kind: str = "",
    age: str = "",
    max_floor: int | None = None,
    needs_lift: bool = False,
    max_residual_rent: Decimal | None = None,
    locations: Sequence[tuple] = (),
) -> Wishes:
    """Replace the wishes; ``locations`` is the ranked list of (commune, neighbourhood)."""
    locked = _lock(household, expected_version)
    unknown = set(dwelling_types) - set(DwellingType.values)
    if unknown:
        raise DomainError("Typologie souhaitée inconnue.")
    v.not_negative(max_residual_rent, "Le reste à charge maximal")
    v.in_range(max_floor, -1, 60, "L'étage maximal")
    seen = set()
    for commune, neighbourhood in locations:
        key = (commune.pk, (neighbourhood or "").strip().lower())
        if key in seen:
            raise DomainError(f"La localisation « {commune.name} » est en double.")
        seen.add(key)
    wishes, _ = Wishes.objects.get_or_create(household=locked)
    wishes.dwelling_types = sorted(set(dwelling_types))
    wishes.housing_kind = housing_kind or ""
    wishes.age = age or ""
    wishes.max_floor = max_floor
    wishes.needs_lift = needs_lift
    wishes.max_residual_rent = max_residual_rent
    _child_saved(wishes, actor, "Souhaits modifiés")
    wishes.locations.all().delete()
    WishedLocation.objects.bulk_create(
        WishedLocation(wishes=wishes, rank=rank, commune=commune, neighbourhood=(neighbourhood or "").strip())
        for rank, (commune, neighbourhood) in enumerate(locations, start=1)
    )
    _save_file(locked, actor, "Souhaits modifiés")
    return wishes


# --- Support log, next steps ------------------------------------------------------------------------


@transaction.atomic
def support_entry_add(
    *, household: Household, kind: str, date: dt.date, summary: str, actor
) -> SupportLogEntry:
    locked = _lock(household, None)
    if kind not in SupportEntryKind.values:
        raise DomainError("Type de contact inconnu.")
    if date is None:
        raise DomainError("La date du contact est obligatoire.")
    v.not_in_future(date, "La date du contact")
    if date < locked.census_date - dt.timedelta(days=365):
        raise DomainError("La date du contact est antérieure de plus d'un an au recensement.")
    summary = v.required_text(summary, "Le résumé")
    entry = SupportLogEntry(
        household=locked,
        kind=kind,
        date=date,
        summary=summary,
        author=actor,
        organisation_id=_writer_id(locked, actor),
    )
    _child_saved(entry, actor, "Contact enregistré")
    _save_file(locked, actor, f"Journal : {SupportEntryKind(kind).label} du {date:%d/%m/%Y}")
    return entry


@transaction.atomic
def next_step_add(*, household: Household, title: str, due_date: dt.date, actor, assignee=None) -> NextStep:
    locked = _lock(household, None)
    title = v.required_text(title, "L'intitulé de l'étape")
    if due_date is None:
        raise DomainError("L'échéance est obligatoire.")
    if due_date < locked.census_date:
        raise DomainError("L'échéance ne peut pas précéder la date de recensement.")
    if assignee is not None and locked.social_provider_id is not None:
        if not Membership.objects.filter(user=assignee, organisation_id=locked.social_provider_id).exists():
            raise DomainError(
                "La personne chargée de l'étape doit appartenir au prestataire social du ménage."
            )
    step = NextStep(household=locked, title=title, due_date=due_date, assignee=assignee)
    _child_saved(step, actor, "Étape planifiée")
    _save_file(locked, actor, f"Étape planifiée : {title}")
    return step


@transaction.atomic
def next_step_complete(*, step: NextStep, actor, done_on: dt.date | None = None) -> NextStep:
    locked = _lock(step.household, None)
    step = NextStep.objects.get(pk=step.pk, household=locked)
    if step.done_on is not None:
        raise DomainError("Cette étape est déjà réalisée.")
    done_on = done_on or v.today()
    v.not_in_future(done_on, "La date de réalisation")
    step.done_on = done_on
    _child_saved(step, actor, "Étape réalisée")
    _save_file(locked, actor, f"Étape réalisée : {step.title}")
    return step


# --- Referent ---------------------------------------------------------------------------------------


def _check_referent(referent, provider_id) -> None:
    if referent is None:
        return
    if not Membership.objects.filter(
        user=referent, organisation_id=provider_id, organisation__kind=OrganisationKind.SOCIAL_PROVIDER
    ).exists():
        raise DomainError("Le référent doit être un travailleur social du prestataire du ménage.")


@transaction.atomic
def referent_assign_bulk(*, household_ids: Sequence[int], referent, actor) -> int:
    """Assign one referent (or none) to several households of the actor's own social provider."""
    org = organisation_of(actor)
    if org is None or org.kind != OrganisationKind.SOCIAL_PROVIDER:
        raise DomainError("Seul un prestataire social affecte ses travailleurs sociaux référents.")
    ids = sorted({int(pk) for pk in household_ids})
    if not ids:
        raise DomainError("Sélectionnez au moins un ménage.")
    _check_referent(referent, org.pk)
    households = list(
        Household.objects.select_for_update(no_key=True)
        .filter(pk__in=ids, social_provider=org)
        .order_by("pk")
    )
    if len(households) != len(ids):
        raise DomainError("Certains ménages sélectionnés ne sont pas suivis par votre organisation.")
    count = 0
    label = str(referent) if referent else "aucun"
    for household in households:
        if household.referent_id == (referent.pk if referent else None):
            continue
        household.referent = referent
        _save_file(household, actor, f"Référent : {label}", ["referent"])
        count += 1
    return count


@transaction.atomic
def referent_assign(*, household: Household, referent, actor, expected_version: int | None) -> Household:
    locked = _lock(household, expected_version)
    _check_referent(referent, locked.social_provider_id)
    if locked.referent_id == (referent.pk if referent else None):
        return locked
    locked.referent = referent
    return _save_file(locked, actor, f"Référent : {referent or 'aucun'}", ["referent"])
