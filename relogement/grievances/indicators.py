"""Grievance indicators (docs/indicators.md § Grievances): per category, the grievances received by
the as-of date and the median handling time of those closed by it, for the households in scope.

Two grouped queries; only the (category, received, closed) dates of the closed grievances are read,
never a household: grievances are a few per hundred households.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

from django.db.models import Count

from relogement.grievances.models import Grievance, GrievanceCategory

COUNT_PREFIX = "processus.reclamations."
MEDIAN_PREFIX = "processus.reclamations_delai_median."


def grievance_figures(households, as_of: dt.date, *, everything: bool, ids) -> dict[str, tuple]:
    """indicator id → (value, bases). ``ids``: what the household key is filtered with (scope.ids_of),
    ignored for the whole metropolis (``everything``)."""
    qs = Grievance.objects.filter(received_on__lte=as_of)
    if not everything:
        qs = qs.filter(household_id__in=ids)
    counts = dict(qs.values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    durations: dict[str, list[int]] = {}
    for category, received, closed in qs.filter(closed_on__lte=as_of).values_list(
        "category", "received_on", "closed_on"
    ):
        durations.setdefault(category, []).append((closed - received).days)
    out: dict[str, tuple] = {}
    for category in GrievanceCategory.values:
        n = counts.get(category, 0)
        out[f"{COUNT_PREFIX}{category}"] = (n, (n,))
    for category in GrievanceCategory.values:
        days = durations.get(category, [])
        median = Decimal(str(statistics.median(days))) if days else None
        out[f"{MEDIAN_PREFIX}{category}"] = (median, (len(days),))
    return out
