"""Household lifecycle statuses and their mapping onto the reporting statuses of EXCHANGE-FORMAT.md."""

from django.db import models


class HouseholdStatus(models.TextChoices):
    TO_DIAGNOSE = "to_diagnose", "À diagnostiquer"
    SEARCHING = "searching", "En recherche"
    PROPOSAL_IN_PROGRESS = "proposal_in_progress", "Proposition en cours"
    TEMPORARILY_REHOUSED = "temporarily_rehoused", "Relogé temporairement"
    REHOUSED = "rehoused", "Relogé"
    POST_REHOUSING_FOLLOWUP = "post_rehousing_followup", "Suivi post-relogement"
    CLOSED = "closed", "Dossier clos"
    EXITED = "exited", "Sorti sans relogement"


class ExitReason(models.TextChoices):
    SELF_DEPARTURE = "depart_autonome", "Départ autonome"
    DEATH = "deces", "Décès"
    EVICTION = "expulsion", "Expulsion"
    OTHER = "autre", "Autre"


class ReportingStatus(models.TextChoices):
    """The statuses of the exchange format and of the indicators (INDICATORS.md, Populations)."""

    A_DIAGNOSTIQUER = "a_diagnostiquer", "À diagnostiquer"
    EN_RECHERCHE = "en_recherche", "En recherche"
    PROPOSITION_EN_COURS = "proposition_en_cours", "Proposition en cours"
    RELOGE_TEMPORAIRE = "reloge_temporaire", "Relogé temporairement"
    RELOGE = "reloge", "Relogé"
    SORTI_SANS_RELOGEMENT = "sorti_sans_relogement", "Sorti sans relogement"


# Still holding the origin dwelling, or gone from it (temporarily or definitively rehoused, exited): the
# demolition calendar's households remaining and departures (matching.risk, indicators.facts).
HOLDING_STATUSES = (
    HouseholdStatus.TO_DIAGNOSE,
    HouseholdStatus.SEARCHING,
    HouseholdStatus.PROPOSAL_IN_PROGRESS,
)
LEFT_STATUSES = (
    HouseholdStatus.TEMPORARILY_REHOUSED,
    HouseholdStatus.REHOUSED,
    HouseholdStatus.POST_REHOUSING_FOLLOWUP,
    HouseholdStatus.CLOSED,
    HouseholdStatus.EXITED,
)

REPORTING_STATUS = {
    HouseholdStatus.TO_DIAGNOSE: ReportingStatus.A_DIAGNOSTIQUER,
    HouseholdStatus.SEARCHING: ReportingStatus.EN_RECHERCHE,
    HouseholdStatus.PROPOSAL_IN_PROGRESS: ReportingStatus.PROPOSITION_EN_COURS,
    HouseholdStatus.TEMPORARILY_REHOUSED: ReportingStatus.RELOGE_TEMPORAIRE,
    HouseholdStatus.REHOUSED: ReportingStatus.RELOGE,
    # A file followed up or closed after a definitive rehousing still counts as rehoused.
    HouseholdStatus.POST_REHOUSING_FOLLOWUP: ReportingStatus.RELOGE,
    HouseholdStatus.CLOSED: ReportingStatus.RELOGE,
    HouseholdStatus.EXITED: ReportingStatus.SORTI_SANS_RELOGEMENT,
}


def statuses_reported_as(reporting: str) -> list[str]:
    return [str(status) for status, rep in REPORTING_STATUS.items() if rep == reporting]
