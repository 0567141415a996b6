"""Preview of a change of criteria weights: the top 5 of a few households and the plan, before/after."""

from __future__ import annotations

from relogement.households.models import Household
from relogement.matching import registry, selectors
from relogement.matching.context import available_offers, household_context

PREVIEW_HOUSEHOLDS = 5
TOP = 5


def weights_preview(user, project, weights: dict[str, float], options: dict[str, bool]) -> dict:
    """Exact residual rents from the benefits engine: the project's households against the offers are
    computed once (the plan's matrix), then read by both rankings and both plans."""
    current_weights = registry.weights_for(project)
    current_options = registry.options_for(project)
    offers_qs = available_offers(user)
    households_qs = Household.objects.visible_to(user).filter(
        project=project, status__in=selectors.CANDIDATE_STATUSES
    )
    current = selectors.plan_data(households_qs, offers_qs, weights=current_weights, options=current_options)
    table = current.table
    households = current.households[:PREVIEW_HOUSEHOLDS]
    rows = []
    for household in households:
        tops = []
        for w, opts in ((current_weights, current_options), (weights, options)):
            hh = household_context(household)
            hh.under_occupation_hard = opts["under_occupation_hard"]
            scores, order = selectors.rank_table(hh, table, weights=w, rac_provider=current.rac_provider)
            tops.append([(str(table.reference[i]), float(scores.total[i])) for i in order[:TOP]])
        rows.append(
            {
                "label": selectors.household_label(user, household),
                "before": tops[0],
                "after": tops[1],
                "changed": [r for r, _ in tops[0]] != [r for r, _ in tops[1]],
            }
        )
    plans = [selectors.compute_plan(current)[0]]
    proposed = selectors.plan_data(
        households_qs, offers_qs, weights=weights, options=options, rac_provider=current.rac_provider
    )
    plans.append(selectors.compute_plan(proposed)[0])
    return {"households": rows, "plan_before": plans[0], "plan_after": plans[1]}
