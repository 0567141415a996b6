"""Computation of the indicators of INDICATORS.md, as database aggregations over the household facts.

The facts (``models.HouseholdFact``, brought up to date by ``freshness.refresh`` before any read) hold,
one narrow row per household, everything that does not depend on the as-of date; ``asof`` works out in
SQL what does (the status on the date, the populations). ``compute`` adds up:

- the additive figures (counts and sums, ``figures.additive_aggregates``): for every household in one
  aggregate, except for the whole metropolis, where the per-building summaries valid on the date are
  summed and only the other buildings' households are aggregated (``summaries``);
- the medians (one statement on PostgreSQL, ``figures.medians``);
- the answers and refusal reasons of the proposals (one grouped query) and the configured reasons.

Nothing loads the households into Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import slugify

from relogement.grievances.indicators import grievance_figures
from relogement.households.models import Household
from relogement.households.statuses import ReportingStatus
from relogement.indicators import figures, registry, summaries
from relogement.indicators.asof import status_as_of
from relogement.indicators.figures import DISTRIBUTIONS, MEDIANS
from relogement.indicators.perimeter import indicator_households
from relogement.indicators.scope import (
    beyond_summaries,
    facts_beyond_summaries,
    facts_for,
    ids_of,
    is_everything,
    pinned,
    whole_buildings,
)
from relogement.offers.models import Answer, Proposal, RefusalReason

ALL = object()  # the command-line scope: every household (no user)

R = ReportingStatus


def _round(value, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator, decimals: int) -> Decimal | None:
    if not denominator:
        return None
    return _round(Decimal(str(numerator)) / Decimal(str(denominator)), decimals)


def scoped_households(user, perimeter):
    """Households of the perimeter within the user's indicator scope (``ALL`` for the command line)."""
    qs = Household.objects.all() if user is ALL else indicator_households(user)
    return qs.filter(perimeter.household_q())


def as_of_facts(households, as_of: dt.date):
    """The fresh facts of ``households`` annotated with ``rep``, the reporting status on the date;
    filter them with :class:`asof.AsOf`."""
    return facts_for(households).annotate(rep=status_as_of(as_of))


def additive_figures(households, facts, as_of: dt.date, *, summarised: bool = True) -> dict:
    """Counts and sums: the summaries valid on the date of the buildings whose every household is in
    scope, plus the households in scope of the other buildings (each building counted once, from one
    source). ``households`` are pinned or the whole metropolis (``scope``). ``summarised=False``: every
    household from its facts (tests compare both)."""
    if not summarised:
        return figures.aggregate(facts, as_of)
    whole = None if is_everything(households) else whole_buildings(households)
    total, stale_dated = summaries.figures_on(as_of, whole)
    beyond = facts_beyond_summaries(households, stale_dated)
    if beyond is None:
        return total
    return figures.add(figures.aggregate(beyond, as_of), total)


@dataclass
class Result:
    """Every indicator value (exact) plus what the views need to apply the secret statistique."""

    as_of: dt.date
    values: dict[str, object]
    # indicator id → the counts it is computed from (numerator, population): hidden if any is < 5.
    bases: dict[str, tuple[int, ...]]
    motifs: dict[str, str]
    distributions: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def indicators(self) -> list[registry.Indicator]:
        return registry.expand(self.motifs)


def _proposal_rows(households, as_of: dt.date, summarised: bool = True):
    """Refusals per (configured reason code, free text), accepted and refused proposals, over the
    proposals notified by the date: from the summaries of the buildings valid on the date, and the
    proposals of the other households in scope (as ``additive_figures``)."""
    if not summarised:
        proposals = Proposal.objects.all()
        if not is_everything(households):
            proposals = proposals.filter(household_id__in=ids_of(households))
        rows = figures.proposal_groups(proposals, as_of)
    else:
        whole = None if is_everything(households) else whole_buildings(households)
        rows, stale_dated = summaries.proposals_on(as_of, whole)
        beyond = beyond_summaries(households, stale_dated, building="household__building_id")
        if beyond is not None:
            rows += figures.proposal_groups(Proposal.objects.filter(beyond), as_of)
    codes = dict(RefusalReason.objects.values_list("pk", "code"))
    accepted = refused = 0
    refusals: dict[tuple, int] = {}
    for answer, reason, text, n in rows:
        if answer == Answer.ACCEPTED:
            accepted += n
        elif answer == Answer.REFUSED:
            refused += n
            key = (codes.get(reason), text)
            refusals[key] = refusals.get(key, 0) + n
    return [(code, text, n) for (code, text), n in refusals.items()], accepted, refused


def compute(households, as_of: dt.date, *, summarised: bool = True) -> Result:
    """All indicators of INDICATORS.md for ``households`` (already scoped and in the perimeter; pinned
    here unless the caller pinned them for more queries: ``scope.pinned``)."""
    with pinned(households) as pinned_households:
        return _compute(pinned_households, as_of, summarised)


def _compute(households, as_of: dt.date, summarised: bool) -> Result:
    facts = facts_for(households)
    a = additive_figures(households, facts, as_of, summarised=summarised)

    def n(key) -> int:
        return a.get(key) or 0

    by_status = {status: n(f"c__{status}") for status in R.values}
    n_c = sum(by_status.values())
    n_dc, n_d, n_exit = n("dc"), n("d"), by_status[R.SORTI_SANS_RELOGEMENT]

    values: dict[str, object] = {}
    bases: dict[str, tuple[int, ...]] = {}

    def count(key, value):
        values[key] = value or 0
        bases[key] = (values[key],)

    def share(key, numerator, population):
        values[key] = _ratio(numerator, population, 4)
        bases[key] = (numerator, population)

    count("avancement.recenses", n_c)
    count("avancement.reloges_definitifs", n_dc)
    count("avancement.reloges_temporaires", by_status[R.RELOGE_TEMPORAIRE])
    count("avancement.sortis_sans_relogement", n_exit)
    count("avancement.restant_a_reloger", n_c - n_dc - n_exit)
    share("avancement.taux", n_dc + n_exit, n_c)
    # Computed from both counts of its numerator: hidden when either is below 5 (secret statistique).
    bases["avancement.taux"] = (n_dc, n_exit, n_c)
    count("avancement.decohabitations", n("split"))
    for status in R.values:
        count(f"{registry.STATUS_PREFIX}{status}", by_status[status])

    share("impact.pct_neuf_moins_5_ans", n("new"), n_d)
    share("impact.pct_hors_qpv", n("out_qpv"), n_d)
    share("impact.pct_meme_commune", n("same"), n_d)
    share("impact.pct_parc_social", n("social"), n_d)
    n_rac = n("rac")
    for key, total in (
        ("impact.rac_avant_moyen", a["sum_rac_before"]),
        ("impact.rac_apres_moyen", a["sum_rac_after"]),
    ):
        values[key] = _ratio(total, n_rac, 2) if n_rac else None
        bases[key] = (n_rac,)
    if n_rac:
        delta = Decimal(str(a["sum_rac_after"])) - Decimal(str(a["sum_rac_before"]))
        values["impact.rac_evolution_moyenne"] = _ratio(delta, n_rac, 2)
    else:
        values["impact.rac_evolution_moyenne"] = None
    bases["impact.rac_evolution_moyenne"] = (n_rac,)
    share("impact.pct_rac_en_hausse", n("rac_up"), n_rac)
    n_effort = n("effort")
    for key, total in (
        ("impact.taux_effort_avant_moyen", a["sum_effort_before"]),
        ("impact.taux_effort_apres_moyen", a["sum_effort_after"]),
    ):
        values[key] = _ratio(total, n_effort, 4) if n_effort else None
        bases[key] = (n_effort,)
    n_area = n("area")
    share("impact.pct_surpeuplement_avant", n("crowded_before"), n_area)
    share("impact.pct_surpeuplement_apres", n("crowded_after"), n_area)
    share("impact.pct_minoration_loyer", n("reduction"), n_d)
    share("impact.pct_satisfaits", n("satisfied"), n("sat"))
    share("impact.pct_impayes_6_mois", n("arrears"), n("arrears_answers"))

    sizes = {"rac": n_rac, "area": n_area, "dc": n_dc}
    medians = figures.medians(facts, as_of, sizes)
    for indicator_id, (_, population) in MEDIANS.items():
        values[indicator_id] = _round(medians[indicator_id], 2)
        bases[indicator_id] = (sizes[population],)

    values["processus.propositions_par_reloge"] = _ratio(n("proposals_dc"), n_dc, 2)
    bases["processus.propositions_par_reloge"] = (n_dc,)
    motifs, refusal_counts, accepted, refused = _proposal_figures(
        *_proposal_rows(households, as_of, summarised)
    )
    share("processus.taux_refus", refused, accepted + refused)
    for key in motifs:
        count(f"{registry.MOTIF_PREFIX}{key}", refusal_counts.get(key, 0))

    grievances = grievance_figures(
        households,
        as_of,
        everything=is_everything(households),
        ids=None if is_everything(households) else ids_of(households),
    )
    for key, (value, base) in grievances.items():
        values[key] = value
        bases[key] = base

    def histogram(key: str, side: str, bins) -> list[int]:
        return [n(f"dist_{key}_{b[0]}_{side}") for b in bins]

    distributions = {
        key: {"before": histogram(key, "b", bins), "after": histogram(key, "a", bins)}
        for key, (_, _, _, _, bins) in DISTRIBUTIONS.items()
    }
    ordered = {i.id: values[i.id] for i in registry.expand(motifs)}
    return Result(as_of=as_of, values=ordered, bases=bases, motifs=motifs, distributions=distributions)


UNSPECIFIED = "non_renseigne"


def motif_key(text: str) -> str:
    return slugify(text).replace("-", "_")[:60] or UNSPECIFIED


def _proposal_figures(rows, accepted: int, refused: int):
    """Refusal reasons (keys and labels, see docs/indicators.md) and counts (1 query)."""
    configured = list(RefusalReason.objects.in_display_order().values_list("code", "label", "active"))
    by_label = {label.casefold(): code for code, label, _ in configured}
    by_code = {code: label for code, label, _ in configured}
    motifs: dict[str, str] = {code: label for code, label, active in configured if active}
    counts: dict[str, int] = {}
    for code, text, n in sorted(rows, key=lambda row: (row[0] or "", row[1] or "")):
        text = (text or "").strip()
        if not code:
            code = by_label.get(text.casefold()) or (text if text in by_code else motif_key(text))
        label = by_code.get(code) or text or "Motif non renseigné"
        motifs.setdefault(code, label)
        counts[code] = counts.get(code, 0) + n
    return motifs, counts, accepted, refused


def compute_for(user, perimeter, as_of: dt.date) -> Result:
    return compute(scoped_households(user, perimeter), as_of)
