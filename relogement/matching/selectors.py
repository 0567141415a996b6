"""Reads of the decision support: ranked offers, households for an offer, allocation plan, risk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q

from relogement.households.models import Household
from relogement.households.statuses import HouseholdStatus
from relogement.matching import plan as plan_solver
from relogement.matching import registry
from relogement.matching.context import (
    available_offers,
    household_context,
    household_contexts,
    household_queryset,
    offer_table,
    today,
)
from relogement.matching.criteria.base import HouseholdContext, OfferTable, Verdict
from relogement.matching.residual_rent import (
    EngineResidualRent,
    MatrixResidualRent,
    ResidualRentProvider,
    attach_profiles,
)
from relogement.matching.scoring import Scores, explain_offer, score_offers
from relogement.offers.models import HousingOffer
from relogement.permissions import predicates
from relogement.projects.models import Project

# Households that still need an offer: searching, or temporarily rehoused awaiting a definitive one.
CANDIDATE_STATUSES = (HouseholdStatus.SEARCHING, HouseholdStatus.TEMPORARILY_REHOUSED)


def household_label(user, household) -> str:
    if predicates.can_view_names(user, household) and household.reference_name:
        return f"{household.reference} — {household.reference_name}"
    return household.pseudonym


def shown_verdicts(user, household, verdicts: list[Verdict]) -> list[Verdict]:
    """Replace the reasons that reveal resources by a generic text for users who may not see them."""
    if predicates.can_view_resources(user, household):
        return verdicts
    out = []
    for verdict in verdicts:
        criterion = registry.get(verdict.criterion_id)
        if criterion.sensitive:
            verdict = Verdict(
                **{**verdict.__dict__, "reason": criterion.generic_reason(verdict.excluded, verdict.score)}
            )
        out.append(verdict)
    return out


@dataclass
class RankedOffer:
    index: int
    pk: int
    total: float
    rac: float
    verdicts: list[Verdict] = field(default_factory=list)
    offer: HousingOffer | None = None

    @property
    def rac_known(self) -> bool:
        return not np.isnan(self.rac)

    @property
    def is_positionable(self) -> bool:
        return self.offer is not None and self.offer.status in ("available", "positioned")

    @property
    def gross_rent(self):
        return self.offer.rent + self.offer.charges if self.offer else None


@dataclass
class Ranking:
    household: HouseholdContext
    table: OfferTable
    scores: Scores
    order: np.ndarray  # indices of suggested offers, best first
    weights: dict[str, float]
    exclusion_counts: list[tuple[str, int]]  # (criterion label, offers it excludes)

    @property
    def candidates(self) -> int:
        return len(self.table)

    def ranked(self, indices) -> list[RankedOffer]:
        return [
            RankedOffer(
                index=int(i),
                pk=int(self.table.pk[i]),
                total=float(self.scores.total[i]),
                rac=float(self.scores.rac[i]),
            )
            for i in indices
        ]


def rank_table(
    hh: HouseholdContext, table: OfferTable, *, weights: dict[str, float], rac_provider: ResidualRentProvider
) -> tuple[Scores, np.ndarray]:
    scores = score_offers(hh, table, weights=weights, rac_provider=rac_provider)
    suggested = np.nonzero(~scores.excluded)[0]
    # Best score first; then the soonest available; then the oldest offer.
    order = suggested[
        np.lexsort((table.pk[suggested], table.available_from[suggested], -scores.total[suggested]))
    ]
    return scores, order


def rank_offers_for_household(
    user,
    household,
    *,
    rac_provider: ResidualRentProvider | None = None,
    on: dt.date | None = None,
    weights=None,
) -> Ranking:
    hh = household_context(household, on=on)
    table = offer_table(available_offers(user))
    weights = weights if weights is not None else registry.weights_for(household.project)
    scores, order = rank_table(hh, table, weights=weights, rac_provider=rac_provider or EngineResidualRent())
    counts = [
        (registry.get(cid).label, int(mask.sum())) for cid, mask in scores.excluded_by.items() if mask.any()
    ]
    return Ranking(hh, table, scores, order, weights, counts)


def explain_ranked(user, household, ranking: Ranking, items: list[RankedOffer]) -> list[RankedOffer]:
    """Attach the verdicts and the offer objects to the offers shown (one query for the offers)."""
    offers = HousingOffer.objects.select_related("commune").in_bulk([item.pk for item in items])
    for item in items:
        fixed_rac = item.rac

        def provider(hh, table, idx, value=fixed_rac):
            return np.full(len(idx), value)

        verdicts = explain_offer(
            ranking.household, ranking.table, item.index, weights=ranking.weights, rac_provider=provider
        )
        item.verdicts = shown_verdicts(user, household, verdicts)
        item.offer = offers.get(item.pk)
    return items


def explain_one_offer(
    user, household, offer: HousingOffer, *, rac_provider: ResidualRentProvider | None = None, on=None
) -> list[Verdict]:
    hh = household_context(household, on=on)
    table = offer_table(HousingOffer.objects.filter(pk=offer.pk))
    verdicts = explain_offer(
        hh,
        table,
        0,
        weights=registry.weights_for(household.project),
        rac_provider=rac_provider or EngineResidualRent(),
    )
    return shown_verdicts(user, household, verdicts)


# The offer → households page lists at most this many households (best first), paginated.
MAX_MATCHES = 200


@dataclass
class HouseholdMatch:
    context: HouseholdContext
    total: float
    excluded: bool
    household: Household | None = None  # attached, with the label and verdicts, for the page shown
    label: str = ""
    rac: float = float("nan")  # residual rent in the offer (the one the score used), for the page shown
    shows_rac: bool = False  # the user may see this household's resources
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def rac_known(self) -> bool:
        return not np.isnan(self.rac)


@dataclass
class OfferMatches:
    table: OfferTable  # the offer, one row
    matches: list[HouseholdMatch]  # best first, the excluded ones last, at most ``limit``
    candidates: int  # households needing an offer in the user's scope
    filtered_out: int  # excluded in the database by a hard criterion (never scored)
    suggested: int  # scored and excluded by no hard criterion
    weights: dict  # project pk -> weights
    rac_provider: ResidualRentProvider | None = None  # the residual rents the scores used


def household_prefilter(table: OfferTable, i: int = 0) -> Q:
    """The hard criteria that can be checked in the database, for offer ``i`` (``Q`` on Household)."""
    condition = Q()
    for criterion in registry.all_criteria():
        q = criterion.household_prefilter(table, i)
        if q is not None:
            condition &= q
    return condition


def households_for_offer(
    user,
    offer: HousingOffer,
    *,
    rac_provider: ResidualRentProvider | None = None,
    on=None,
    limit: int | None = None,
) -> OfferMatches:
    """Households visible to the user that still need an offer, best suited first.

    The hard criteria that can be written as a queryset condition are applied in the database; the
    remaining households are read as plain values (no model instances) and scored; the best ``limit``
    are kept, those excluded by the other hard criteria (residual rent, blocking under-occupation)
    last. Constant number of queries; ``explain_matches`` adds the verdicts to the page shown.

    Residual rents come from the benefits engine with the offer's stock kind, every remaining
    household computed together (``attach_profiles`` then ``MatrixResidualRent``: one openfisca run
    for what does not depend on the rent, one at the offer's rent), unless ``rac_provider`` says
    otherwise.
    """
    table = offer_table(HousingOffer.objects.filter(pk=offer.pk))
    candidates = Household.objects.visible_to(user).filter(status__in=CANDIDATE_STATUSES)
    kept = candidates.filter(household_prefilter(table))
    projects = {project.pk: project for project in Project.objects.filter(pk__in=kept.values("project_id"))}
    weights = {pk: registry.weights_for(project) for pk, project in projects.items()}
    contexts = household_contexts(kept, on=on, projects=projects)
    if rac_provider is None:
        attach_profiles(contexts, kept)
        rac_provider = MatrixResidualRent(contexts, table)
    criteria = registry.all_criteria()
    matches = []
    for hh in contexts:
        scores = score_offers(
            hh, table, weights=weights[hh.project_id], rac_provider=rac_provider, criteria=criteria
        )
        matches.append(
            HouseholdMatch(context=hh, total=float(scores.total[0]), excluded=bool(scores.excluded[0]))
        )
    matches.sort(key=lambda m: (m.excluded, -m.total, m.context.pk))
    total = candidates.count()
    return OfferMatches(
        table=table,
        matches=matches[: limit or MAX_MATCHES],
        candidates=total,
        filtered_out=total - len(contexts),
        suggested=sum(1 for m in matches if not m.excluded),
        weights=weights,
        rac_provider=rac_provider,
    )


def explain_matches(
    user, result: OfferMatches, matches: list[HouseholdMatch], *, rac_provider=None
) -> list[HouseholdMatch]:
    """Attach the household, its label and the verdicts to the matches shown (one query).

    The verdicts read the residual rents the scores used (``result.rac_provider``): same amount.
    """
    rac_provider = rac_provider or result.rac_provider
    households = Household.objects.select_related("project", "building").in_bulk(
        [m.context.pk for m in matches]
    )
    for match in matches:
        match.household = households[match.context.pk]
        match.label = household_label(user, match.household)
        verdicts = explain_offer(
            match.context,
            result.table,
            0,
            weights=result.weights[match.context.project_id],
            rac_provider=rac_provider,
        )
        match.verdicts = shown_verdicts(user, match.household, verdicts)
        match.shows_rac = predicates.can_view_resources(user, match.household)
        if match.shows_rac:
            match.rac = float(rac_provider(match.context, result.table, np.array([0]))[0])
    return matches


# --- Allocation plan -------------------------------------------------------------------------------


@dataclass
class PlanData:
    households: list[Household]
    contexts: list[HouseholdContext]
    table: OfferTable
    suitability: np.ndarray
    allowed: np.ndarray
    priority: np.ndarray
    order: list[int]  # first-come-first-served order
    rac_provider: ResidualRentProvider | None = None  # the residual rents the scores used


def score_matrix(
    contexts: list[HouseholdContext],
    table: OfferTable,
    *,
    weights_by_project: dict,
    rac_provider: ResidualRentProvider,
) -> tuple[np.ndarray, np.ndarray]:
    suitability = np.zeros((len(contexts), len(table)))
    allowed = np.zeros((len(contexts), len(table)), dtype=bool)
    for row, hh in enumerate(contexts):
        weights = weights_by_project.get(hh.project_id) or registry.default_weights()
        scores = score_offers(hh, table, weights=weights, rac_provider=rac_provider)
        suitability[row] = scores.total
        allowed[row] = ~scores.excluded
    return suitability, allowed


def fcfs_order(contexts: list[HouseholdContext]) -> list[int]:
    """Soonest demolition first, then earliest census, then the oldest file."""
    far = dt.date.max
    return sorted(
        range(len(contexts)),
        key=lambda i: (contexts[i].demolition_date or far, contexts[i].census_date or far, contexts[i].pk),
    )


def plan_data(
    households_qs,
    offers_qs,
    *,
    on: dt.date | None = None,
    rac_provider: ResidualRentProvider | None = None,
    weights=None,
    options=None,
) -> PlanData:
    """``weights``/``options`` override every project's settings (used by the weights preview).

    Residual rents come from the benefits engine, every household against every offer computed
    together (``MatrixResidualRent``), unless ``rac_provider`` says otherwise.
    """
    on = on or today()
    households = list(household_queryset(households_qs.filter(status__in=CANDIDATE_STATUSES)).order_by("pk"))
    contexts = [household_context(h, on=on) for h in households]
    if options is not None:
        for hh in contexts:
            hh.under_occupation_hard = options["under_occupation_hard"]
    table = offer_table(offers_qs)
    if rac_provider is None:
        rac_provider = MatrixResidualRent(contexts, table)
    projects = {h.project_id: h.project for h in households}
    weights_by_project = {
        pk: (weights if weights is not None else registry.weights_for(project))
        for pk, project in projects.items()
    }
    suitability, allowed = score_matrix(
        contexts, table, weights_by_project=weights_by_project, rac_provider=rac_provider
    )
    prio = plan_solver.priority([c.demolition_date for c in contexts], on)
    return PlanData(
        households, contexts, table, suitability, allowed, prio, fcfs_order(contexts), rac_provider
    )


def compute_plan(data: PlanData, *, pins=(), exclusions=()):
    optimal = plan_solver.solve(
        data.suitability, data.allowed, data.priority, pins=list(pins), exclusions=list(exclusions)
    )
    fcfs = plan_solver.first_come_first_served(data.suitability, data.allowed, data.priority, data.order)
    return optimal, fcfs
