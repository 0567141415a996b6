"""A household and its proposals seen as rows of the exchange format (typed values).

The exporter writes these rows; the importer compares a file row with them to tell "unchanged" from
"updated", so that both sides agree on what each column means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from relogement.followup.models import FollowUp
from relogement.households.models import Household, HouseholdStatusChange
from relogement.households.statuses import REPORTING_STATUS
from relogement.households.statuses import HouseholdStatus as S
from relogement.offers.models import Proposal
from relogement.rehousing.models import Rehousing, RehousingKind

# Reason written on status changes the import had to date from the import day (the file gives no date):
# such changes are not exported back as `date_diagnostic` (see docs/exchange-format.md).
IMPORT_UNDATED_REASON = "Import du fichier de suivi : date d'effet inconnue (date de l'import)"
IMPORT_REASON = "Import du fichier de suivi"
# A rehoused row without diagnosis date: the lifecycle rehouses from `searching` only, so the import
# writes the search as started on the move-in date at the latest; not exported as `date_diagnostic`.
IMPORT_SEARCH_UNDATED_REASON = (
    "Import du fichier de suivi : recherche commencée à une date inconnue (au plus tard au relogement)"
)
# Change reason of a stored rehousing record superseded by the file's new one.
IMPORT_SUPERSEDED_REASON = "Import du fichier de suivi : remplacé par un nouveau relogement"
UNDATED_REASONS = (IMPORT_UNDATED_REASON, IMPORT_SEARCH_UNDATED_REASON)

CHUNK = 2000

# The related rows of a household loaded by ``households_with_history``, as plain lists: prefetching
# into the related managers cloned a queryset per household and relation (a tenth of an export).
STATUS_CHANGES = "exchange_status_changes"
REHOUSINGS = "exchange_rehousings"
FOLLOWUPS = "exchange_followups"


class StatusChangeRow(NamedTuple):
    """What the rows need of a status change (half a million of them for 100,000 households: plain
    tuples instead of model instances save a fifth of an export)."""

    pk: int
    to_status: str
    effective_date: dt.date
    reason: str


def households_with_history(ids: list[int]) -> list[Household]:
    """The households ``ids`` (in that order) with everything their row needs, in a few queries: their
    status changes (``STATUS_CHANGES``, oldest first), rehousings and follow-ups as plain lists."""
    # The communes' outlines (large JSON polygons) are never part of a row: decoding them for every
    # household, rehousing and proposal took a fifth of an export's time. Nor are the project's settings
    # (JSON too): no JSON is decoded per row.
    households = (
        Household.objects.filter(pk__in=ids)
        .select_related("project", "building__landlord", "building__commune", "split_from")
        .defer("building__commune__outline", "project__matching_weights")
        .prefetch_related(
            Prefetch(
                "rehousings",
                queryset=Rehousing.objects.select_related("commune")
                .defer("commune__outline")
                .order_by("move_in_date", "pk"),
                to_attr=REHOUSINGS,
            ),
            Prefetch("followups", queryset=FollowUp.objects.order_by("pk"), to_attr=FOLLOWUPS),
        )
    )
    by_pk = {h.pk: h for h in households}
    changes: dict[int, list[StatusChangeRow]] = {pk: [] for pk in by_pk}
    rows = (
        HouseholdStatusChange.objects.filter(household_id__in=ids)
        .order_by("effective_date", "pk")
        .values_list("household_id", "pk", "to_status", "effective_date", "reason")
    )
    for household_id, *change in rows:
        changes[household_id].append(StatusChangeRow(*change))
    for pk, household in by_pk.items():
        setattr(household, STATUS_CHANGES, changes[pk])
    return [by_pk[pk] for pk in ids if pk in by_pk]


def iter_chunks(queryset: QuerySet) -> Iterator[list[Household]]:
    """Households with everything the row needs, a few queries per chunk whatever the size."""
    ids = list(queryset.order_by("project__code", "reference").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        yield households_with_history(ids[start : start + CHUNK])


def destination_of(household: Household) -> Rehousing | None:
    """The rehousing the file describes: the current definitive one, else the latest temporary one
    (a superseded definitive record is history: the file was reopened and rehoused again)."""
    rehousings = [r for r in getattr(household, REHOUSINGS) if r.superseded_on is None] or getattr(
        household, REHOUSINGS
    )
    for rehousing in rehousings:
        if rehousing.kind == RehousingKind.DEFINITIVE:
            return rehousing
    temporary = [r for r in rehousings if r.kind == RehousingKind.TEMPORARY]
    return temporary[-1] if temporary else None


def _diagnosis_date(household: Household):
    for change in getattr(household, STATUS_CHANGES):
        if change.to_status == S.SEARCHING and change.reason not in UNDATED_REASONS:
            return change.effective_date
    return None


def _status_date(household: Household, status: str):
    dates = [c.effective_date for c in getattr(household, STATUS_CHANGES) if c.to_status == status]
    return dates[-1] if dates else None


def household_values(household: Household) -> dict:
    """Every column, whoever reads it: the exporter empties what its reader may not see."""
    reporting = str(REPORTING_STATUS[household.status])
    building = household.building
    destination = destination_of(household)
    move_in = destination.move_in_date if destination else None
    if move_in is None and household.status in (S.REHOUSED, S.TEMPORARILY_REHOUSED):
        move_in = _status_date(household, household.status)
    six_months = next((f for f in getattr(household, FOLLOWUPS) if f.months_after == 6), None)
    return {
        "ref_menage": household.reference,
        "projet": household.project.code,
        "batiment": building.reference,
        "bailleur_origine": building.landlord.name if building.landlord_id else None,
        "commune_origine_insee": building.commune.insee_code,
        "date_recensement": household.census_date,
        "decohabitation_de": household.split_from.reference if household.split_from_id else None,
        "nom_referent": household.reference_name or None,
        "nb_adultes": household.adults_count,
        "nb_enfants": household.children_count,
        "type_menage": household.household_type or None,
        "age_referent": household.reference_age,
        "ressources_mensuelles": household.monthly_resources,
        "besoin_pmr": household.reduced_mobility,
        "typologie_origine": household.origin_dwelling_type or None,
        "surface_origine": household.origin_living_area,
        "loyer_origine": household.rent_before,
        "charges_origine": household.charges_before,
        "apl_origine": household.apl_before,
        "rls_origine": household.rls_before,
        "statut": reporting,
        "motif_sortie": household.exit_reason or None,
        "date_diagnostic": _diagnosis_date(household),
        "date_relogement": move_in,
        "bailleur_destination": (destination.landlord_name or None) if destination else None,
        "commune_destination_insee": destination.commune.insee_code if destination else None,
        "qpv_destination": destination.in_qpv if destination else None,
        "parc_destination": destination.housing_stock if destination else None,
        "date_mise_en_service_destination": destination.commissioning_date if destination else None,
        "typologie_destination": (destination.dwelling_type or None) if destination else None,
        "surface_destination": destination.living_area if destination else None,
        "loyer_destination": destination.rent if destination else None,
        "charges_destination": destination.charges if destination else None,
        "apl_destination": destination.apl if destination else None,
        "rls_destination": destination.rls if destination else None,
        "minoration_loyer": destination.rent_reduction_payment if destination else None,
        "satisfaction_6_mois": (six_months.home_satisfaction or None) if six_months else None,
        "impayes_6_mois": six_months.rent_arrears if six_months else None,
        "proprietaire_origine": building.private_owner or None,
        "statut_occupation": household.occupancy_status,
    }


def proposal_queryset(household_ids: Iterable[int]) -> QuerySet:
    return (
        Proposal.objects.filter(household_id__in=household_ids, notified_date__isnull=False)
        .select_related(
            "household__project", "commune", "offer__commune", "offer__landlord", "refusal_reason"
        )
        .defer("commune__outline", "offer__commune__outline")
        .order_by("household__project__code", "household__reference", "notified_date", "pk")
    )


# What ``proposal_values`` reads: the importer keeps whole instances (it saves them with their history),
# the export loads only these columns of the proposal and of the six rows joined to it.
_EXPORTED_PROPOSAL_FIELDS = (
    *("household_id", "offer_id", "commune_id", "refusal_reason_id", "notified_date", "answer"),
    *("answer_date", "refusal_reason_text", "landlord_name", "dwelling_type", "living_area", "rent"),
    *("charges", "in_qpv", "household__reference", "household__project_id", "household__project__code"),
    *("commune__insee_code", "offer__commune_id", "offer__commune__insee_code", "offer__landlord_id"),
    *("offer__landlord__name", "offer__dwelling_type", "offer__living_area", "offer__rent"),
    *("offer__charges", "offer__in_qpv", "refusal_reason__label", "stock_kind", "offer__stock_kind"),
)


def exported_proposals(household_ids: Iterable[int]) -> QuerySet:
    return proposal_queryset(household_ids).only(*_EXPORTED_PROPOSAL_FIELDS)


def proposal_commune(proposal: Proposal):
    if proposal.commune_id:
        return proposal.commune
    return proposal.offer.commune if proposal.offer_id else None


def proposal_landlord(proposal: Proposal) -> str:
    if proposal.landlord_name:
        return proposal.landlord_name
    return proposal.offer.landlord.name if proposal.offer_id else ""


def proposal_values(proposal: Proposal) -> dict:
    offer = proposal.offer if proposal.offer_id else None
    commune = proposal_commune(proposal)

    def pick(field: str):
        value = getattr(proposal, field)
        if (value is None or value == "") and offer is not None:
            value = getattr(offer, field)
        return None if value == "" else value

    return {
        "ref_menage": proposal.household.reference,
        "projet": proposal.household.project.code,
        "date_proposition": proposal.notified_date,
        "bailleur": proposal_landlord(proposal) or None,
        "commune_insee": commune.insee_code if commune else None,
        "typologie": pick("dwelling_type"),
        "surface": pick("living_area"),
        "loyer": pick("rent"),
        "charges": pick("charges"),
        "qpv": pick("in_qpv"),
        "reponse": proposal.answer,
        "date_reponse": proposal.answer_date,
        "motif_refus": proposal.refusal_reason_text
        or (proposal.refusal_reason.label if proposal.refusal_reason_id else None),
        "type_logement": pick("stock_kind"),
    }


def proposal_key(household_id: int, date, insee: str | None, landlord: str | None) -> tuple:
    """How a file's proposal is matched with a stored one (docs/exchange-format.md)."""
    return (household_id, date, insee or "", (landlord or "").strip().casefold())
