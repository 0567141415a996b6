"""Preview of a change of criteria weights: the top 5 of a few households and the plan, before/after."""

from __future__ import annotations

from relogement.households.models import Household
from relogement.matching import registry, selectors
from relogement.matching.context import available_offers, household_context, household_queryset, offer_table
from relogement.matching.residual_rent import estimated_residual_rent

PREVIEW_HOUSEHOLDS = 5
TOP = 5


def weights_preview(user, project, weights: dict[str, float], options: dict[str, bool]) -> dict:
    """Estimated residual rents (the benefits engine would take seconds per household)."""
    current_weights = registry.weights_for(project)
    current_options = registry.options_for(project)
    offers_qs = available_offers(user)
    table = offer_table(offers_qs)
    households_qs = Household.objects.visible_to(user).filter(
        project=project, status__in=selectors.CANDIDATE_STATUSES
    )
    households = list(household_queryset(households_qs).order_by("pk")[:PREVIEW_HOUSEHOLDS])
    rows = []
    for household in households:
        tops = []
        for w, opts in ((current_weights, current_options), (weights, options)):
            hh = household_context(household)
            hh.under_occupation_hard = opts["under_occupation_hard"]
            scores, order = selectors.rank_table(hh, table, weights=w, rac_provider=estimated_residual_rent)
            tops.append([(str(table.reference[i]), float(scores.total[i])) for i in order[:TOP]])
        rows.append(
            {
                "label": selectors.household_label(user, household),
                "before": tops[0],
                "after": tops[1],
                "changed": [r for r, _ in tops[0]] != [r for r, _ in tops[1]],
            }
        )
    plans = []
    for w, opts in ((current_weights, current_options), (weights, options)):
        data = selectors.plan_data(households_qs, offers_qs, weights=w, options=opts)
        optimal, _ = selectors.compute_plan(data)
        plans.append(optimal)
    return {"households": rows, "plan_before": plans[0], "plan_after": plans[1]}
