"""Per-household facts the indicators aggregate (docs/indicators.md, "Facts table").

One narrow row per household holds everything the indicators read that does not depend on the as-of
date: dates (census, definitive move-in, latest status change), the reporting status of the latest
change, and the before/after values and flags of the impact indicators, already computed. A dashboard
then scans these rows instead of joining the households to their rehousing and follow-up and working
out the same arithmetic for every household at every request.

The facts are derived data, never edited by hand: database triggers (migration 0002) put the id of
every household whose source rows change (household, its status changes, rehousings, follow-ups,
proposals, the commune of its building) in ``StaleHousehold``, and ``facts.refresh()`` recomputes those rows before
any read. A write that bypasses Django (``QuerySet.update()``, ``bulk_create``, SQL) is caught too.
"""

from django.db import models


class HouseholdFact(models.Model):
    household = models.OneToOneField(
        "households.Household", on_delete=models.CASCADE, primary_key=True, related_name="indicator_fact"
    )
    building = models.ForeignKey("projects.Building", on_delete=models.CASCADE, related_name="+")
    census_date = models.DateField()
    census_month = models.IntegerField()  # year × 12 + month − 1, grouped on by the burn-down
    is_split = models.BooleanField()
    # The latest status change (latest effective date, then latest recorded), reporting status.
    status = models.CharField(max_length=30)
    status_since = models.DateField(null=True)
    status_month = models.IntegerField(null=True)
    # Definitive rehousing (at most one per household).
    move_in = models.DateField(null=True)
    move_in_month = models.IntegerField(null=True)
    delay_days = models.IntegerField(null=True)
    destination_commune_id = models.IntegerField(null=True)
    in_qpv = models.BooleanField(null=True)
    social = models.BooleanField(null=True)
    rent_reduction = models.BooleanField(null=True)
    is_new = models.BooleanField(null=True)
    same_commune = models.BooleanField(null=True)
    rac_ok = models.BooleanField()
    effort_ok = models.BooleanField()
    area_ok = models.BooleanField()
    rac_before = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    rac_after = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    rac_delta = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    effort_before = models.FloatField(null=True)
    effort_after = models.FloatField(null=True)
    area_before = models.FloatField(null=True)  # living area per person
    area_after = models.FloatField(null=True)
    crowded_before = models.BooleanField(null=True)
    crowded_after = models.BooleanField(null=True)
    # 6-month follow-up.
    followup_on = models.DateField(null=True)
    satisfaction_answered = models.BooleanField()
    satisfied = models.BooleanField()
    arrears = models.BooleanField(null=True)
    # Notified proposals: how many, and the latest notification date.
    proposal_count = models.IntegerField()
    last_notified = models.DateField(null=True)
    # The household's first departure from its building: the earliest change to a left status
    # (households.statuses.LEFT_STATUSES), whatever its date. The demolition-risk pace counts the first
    # departures of a window from this column instead of a subquery per household.
    first_departure = models.DateField(null=True)

    class Meta:
        verbose_name = "faits d'un ménage (indicateurs)"
        indexes = [models.Index(fields=["first_departure", "building"], name="fact_first_departure_idx")]


class StaleHousehold(models.Model):
    """Households whose facts must be recomputed (filled by triggers, emptied by facts.refresh)."""

    household_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = "faits d'un ménage à recalculer"


class BuildingSummary(models.Model):
    """The additive figures of a building's households in their latest known state, valid for any as-of
    date on or after ``valid_from`` (the latest date found in its facts). The whole-metropolis dashboard
    adds these rows up instead of scanning every household; a building with a later date (a move-in
    planned next month…) is computed from its facts. Kept in step by a trigger on the facts.

    ``figures``: the values of ``figures.additive_aggregates`` as a list in the order of ``layout``
    (a digest of the keys; a row of another layout is ignored until recomputed: ``rebuild_indicators``);
    ``months``: the burn-down counts, [[census month, households, …], [leaving month, households, …]];
    ``proposals``: the answered proposals, [[answer, refusal reason id, free text, count], …]
    (``figures.proposal_groups``; valid from the latest answer date too).
    Lists rather than objects: thousands of rows are decoded for each dashboard of the metropolis."""

    building = models.OneToOneField(
        "projects.Building", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    valid_from = models.DateField(null=True)
    # Every household of the building that has facts, whatever its status: a restricted scope holding
    # that many of them holds the whole building, and may use the summary (scope.pinned).
    households = models.PositiveIntegerField(default=0)
    layout = models.CharField(max_length=16)
    figures = models.JSONField()
    months = models.JSONField()
    proposals = models.JSONField(default=list)

    class Meta:
        verbose_name = "synthèse d'un bâtiment (indicateurs)"


class StaleBuilding(models.Model):
    """Buildings whose summary must be recomputed (filled by a trigger on the facts)."""

    building_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = "synthèse d'un bâtiment à recalculer"


class DataGeneration(models.Model):
    """A number bumped by every ``freshness.refresh`` that recomputed something, in the same transaction.

    The triggers mark a household on every write to it (whatever the way: ``save()``, ``update()``,
    SQL), so after a refresh this number has changed exactly when some household's data did: it is part
    of ``cache.data_version``, and cached figures (dashboards, the household list's filter choices and
    counts) never outlive the data they were computed from. One row (pk 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "génération des données (caches)"
