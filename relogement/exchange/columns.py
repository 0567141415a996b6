"""The columns of the exchange format (docs EXCHANGE-FORMAT.md), in export order, with their cell type
and the predicate that decides who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from relogement.benefits.stock import StockKind
from relogement.households.models import HouseholdType, OccupancyStatus
from relogement.households.statuses import ExitReason, ReportingStatus
from relogement.offers.models import Answer
from relogement.permissions import predicates as p
from relogement.projects.models import DwellingType
from relogement.rehousing.models import HousingStock

MENAGES = "menages"
PROPOSITIONS = "propositions"

SATISFACTION_VALUES = ("tres_satisfait", "satisfait", "peu_satisfait", "pas_satisfait")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, insee, date, bool, decimal, int, choice
    required: bool = False
    # A required column whose cell may be empty when a rule of the importer says so (the origin
    # landlord of a private-stock building: docs/exchange-format.md, "Private degraded stock").
    may_be_empty: bool = False
    choices: tuple[str, ...] = ()
    max_value: str | None = None  # decimals and integers
    max_length: int | None = None
    # The predicate(user, household) under which the household page (or the rehousing or follow-up page)
    # shows this field; the export leaves the cell empty where it is false. None: every role that
    # reaches the household sees it. docs/exchange-format.md, "Export per role".
    shown_if: Callable | None = None


def _choices(text_choices) -> tuple[str, ...]:
    return tuple(str(v) for v in text_choices.values)


MONEY = "999999.99"
AREA = "9999.99"

MENAGES_COLUMNS: tuple[Column, ...] = (
    Column("ref_menage", "text", required=True, max_length=60),
    Column("projet", "text", required=True, max_length=200),
    Column("batiment", "text", required=True, max_length=100),
    Column("bailleur_origine", "text", required=True, max_length=200, may_be_empty=True),
    Column("commune_origine_insee", "insee", required=True),
    Column("date_recensement", "date", required=True),
    Column("decohabitation_de", "text", max_length=60),
    Column("nom_referent", "text", max_length=200, shown_if=p.can_view_names),
    Column("nb_adultes", "int", required=True, max_value="30"),
    Column("nb_enfants", "int", required=True, max_value="30"),
    Column("type_menage", "choice", choices=_choices(HouseholdType)),
    Column("age_referent", "int", max_value="120", shown_if=p.can_view_names),
    Column("ressources_mensuelles", "decimal", max_value="9999999.99", shown_if=p.can_view_resources),
    Column("besoin_pmr", "bool"),
    Column("typologie_origine", "choice", choices=_choices(DwellingType)),
    Column("surface_origine", "decimal", max_value=AREA),
    Column("loyer_origine", "decimal", max_value=MONEY, shown_if=p.can_view_origin_costs),
    Column("charges_origine", "decimal", max_value=MONEY, shown_if=p.can_view_origin_costs),
    Column("apl_origine", "decimal", max_value=MONEY, shown_if=p.can_view_origin_costs),
    Column("rls_origine", "decimal", max_value=MONEY, shown_if=p.can_view_origin_costs),
    Column("statut", "choice", required=True, choices=_choices(ReportingStatus)),
    Column("motif_sortie", "choice", choices=_choices(ExitReason)),
    Column("date_diagnostic", "date"),
    Column("date_relogement", "date"),
    Column("bailleur_destination", "text", max_length=200),
    Column("commune_destination_insee", "insee"),
    Column("qpv_destination", "bool"),
    Column("parc_destination", "choice", choices=_choices(HousingStock)),
    Column("date_mise_en_service_destination", "date"),
    Column("typologie_destination", "choice", choices=_choices(DwellingType)),
    Column("surface_destination", "decimal", max_value=AREA),
    Column("loyer_destination", "decimal", max_value=MONEY, shown_if=p.can_view_destination_costs),
    Column("charges_destination", "decimal", max_value=MONEY, shown_if=p.can_view_destination_costs),
    Column("apl_destination", "decimal", max_value=MONEY, shown_if=p.can_view_destination_costs),
    Column("rls_destination", "decimal", max_value=MONEY, shown_if=p.can_view_destination_costs),
    Column("minoration_loyer", "bool"),
    Column("satisfaction_6_mois", "choice", choices=SATISFACTION_VALUES, shown_if=p.can_view_followups),
    Column("impayes_6_mois", "bool", shown_if=p.can_view_followups),
    # Extension columns (private degraded stock), optional: partners' tools ignore unknown columns.
    Column("proprietaire_origine", "text", max_length=250, shown_if=p.can_view_names),
    Column("statut_occupation", "choice", choices=_choices(OccupancyStatus)),
)

PROPOSITIONS_COLUMNS: tuple[Column, ...] = (
    Column("ref_menage", "text", required=True, max_length=60),
    Column("projet", "text", required=True, max_length=200),
    Column("date_proposition", "date", required=True),
    Column("bailleur", "text", required=True, max_length=200),
    Column("commune_insee", "insee", required=True),
    Column("typologie", "choice", choices=_choices(DwellingType)),
    Column("surface", "decimal", max_value=AREA),
    Column("loyer", "decimal", max_value=MONEY),
    Column("charges", "decimal", max_value=MONEY),
    Column("qpv", "bool"),
    Column("reponse", "choice", required=True, choices=_choices(Answer)),
    Column("date_reponse", "date"),
    Column("motif_refus", "text", max_length=250),
    # Not in the partners' contract: an optional extra column (partners ignore unknown columns; absent or
    # empty means conventioned social housing). docs/exchange-format.md, "Stock kind of a proposal".
    Column("type_logement", "choice", choices=_choices(StockKind)),
)

COLUMNS = {MENAGES: MENAGES_COLUMNS, PROPOSITIONS: PROPOSITIONS_COLUMNS}
