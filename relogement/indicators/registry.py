"""The one list of indicators (INDICATORS.md): id, French label, French "how it is computed", kind.

Used by the dashboard, the ``indicators`` command and the exports, so that a label or an explanation
is written once. Dynamic families (``avancement.par_statut.<statut>``, ``processus.motifs_refus.<motif>``)
are expanded by :func:`expand`.
"""

from __future__ import annotations

from dataclasses import dataclass

from relogement.households.statuses import ReportingStatus

COUNT = "count"
SHARE = "share"
MEAN = "mean"
MEDIAN = "median"
EUROS = "euros"

PROGRESS = "avancement"
IMPACT = "impact"
PROCESS = "processus"

SECTION_LABELS = {PROGRESS: "Avancement", IMPACT: "Impact", PROCESS: "Processus"}


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    how: str
    kind: str
    unit: str = ""
    # Count indicators whose households can be listed (drill-down) for roles with named data.
    drillable: bool = False

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def decimals(self) -> int:
        return 4 if self.kind == SHARE else (0 if self.kind == COUNT else 2)


C_TXT = "ménages recensés (hors décohabitations) dont la date de recensement est antérieure ou égale à la date d'observation"
D_TXT = (
    "ménages relogés définitivement (recensés ou issus d'une décohabitation) : statut « relogé » à la date "
    "d'observation et date d'emménagement antérieure ou égale à cette date"
)
RAC_ROWS = (
    "sur les ménages recensés relogés définitivement dont le reste à charge avant et après est calculable "
    "(loyer + charges − APL − RLS ; RLS vide comptée 0 ; loyer, charges ou APL vide : non calculable)"
)

INDICATORS: list[Indicator] = [
    # Progress
    Indicator("avancement.recenses", "Ménages recensés", f"Nombre de {C_TXT}.", COUNT, drillable=True),
    Indicator(
        "avancement.reloges_definitifs",
        "Relogés définitivement",
        "Nombre de ménages recensés relogés définitivement (statut « relogé » à la date d'observation, "
        "emménagement antérieur ou égal à cette date).",
        COUNT,
        drillable=True,
    ),
    Indicator(
        "avancement.reloges_temporaires",
        "Relogés temporairement",
        "Nombre de ménages recensés au statut « relogé temporairement » à la date d'observation.",
        COUNT,
        drillable=True,
    ),
    Indicator(
        "avancement.sortis_sans_relogement",
        "Sortis sans relogement",
        "Nombre de ménages recensés au statut « sorti sans relogement » à la date d'observation "
        "(départ autonome, décès, expulsion, autre).",
        COUNT,
        drillable=True,
    ),
    Indicator(
        "avancement.restant_a_reloger",
        "Restant à reloger",
        "Recensés − relogés définitivement − sortis sans relogement.",
        COUNT,
        drillable=True,
    ),
    Indicator(
        "avancement.taux",
        "Taux d'avancement",
        "(Relogés définitivement + sortis sans relogement) ÷ recensés.",
        SHARE,
    ),
    Indicator(
        "avancement.decohabitations",
        "Décohabitations relogées",
        f"Nombre de ménages issus d'une décohabitation parmi les {D_TXT}.",
        COUNT,
        drillable=True,
    ),
    # Impact
    Indicator(
        "impact.pct_neuf_moins_5_ans",
        "Relogés dans le neuf ou conventionné depuis moins de 5 ans",
        "Part des relogés définitifs logés dans le parc social avec une date d'emménagement antérieure à la "
        "date de mise en service ou de conventionnement + 5 ans (sans cette date : compté comme non neuf).",
        SHARE,
    ),
    Indicator(
        "impact.pct_hors_qpv",
        "Relogés hors QPV",
        "Part des relogés définitifs dont le logement de destination est hors quartier prioritaire "
        "(QPV renseigné « non »).",
        SHARE,
    ),
    Indicator(
        "impact.pct_meme_commune",
        "Relogés dans la même commune",
        "Part des relogés définitifs dont la commune de destination est la commune d'origine.",
        SHARE,
    ),
    Indicator(
        "impact.pct_parc_social",
        "Relogés dans le parc social",
        "Part des relogés définitifs dont le logement de destination est dans le parc social.",
        SHARE,
    ),
    Indicator(
        "impact.rac_avant_moyen",
        "Reste à charge moyen avant",
        f"Moyenne du reste à charge avant relogement, {RAC_ROWS}.",
        EUROS,
    ),
    Indicator(
        "impact.rac_apres_moyen",
        "Reste à charge moyen après",
        f"Moyenne du reste à charge après relogement, {RAC_ROWS}.",
        EUROS,
    ),
    Indicator(
        "impact.rac_evolution_moyenne",
        "Évolution moyenne du reste à charge",
        f"Moyenne de (reste à charge après − reste à charge avant), {RAC_ROWS}.",
        EUROS,
    ),
    Indicator(
        "impact.rac_evolution_mediane",
        "Évolution médiane du reste à charge",
        f"Médiane de (reste à charge après − reste à charge avant), {RAC_ROWS}.",
        EUROS,
    ),
    Indicator(
        "impact.pct_rac_en_hausse",
        "Reste à charge en hausse",
        f"Part des ménages dont le reste à charge après est supérieur au reste à charge avant, {RAC_ROWS}.",
        SHARE,
    ),
    Indicator(
        "impact.taux_effort_avant_moyen",
        "Taux d'effort moyen avant",
        "Moyenne de (reste à charge avant ÷ ressources mensuelles), sur les mêmes ménages ayant des "
        "ressources supérieures à 0.",
        SHARE,
    ),
    Indicator(
        "impact.taux_effort_apres_moyen",
        "Taux d'effort moyen après",
        "Moyenne de (reste à charge après ÷ ressources mensuelles), sur les mêmes ménages ayant des "
        "ressources supérieures à 0.",
        SHARE,
    ),
    Indicator(
        "impact.surface_par_personne_avant_mediane",
        "Surface par personne avant (médiane)",
        "Médiane de la surface habitable d'origine ÷ (adultes + enfants), sur les ménages recensés relogés "
        "définitivement dont les surfaces avant et après sont connues.",
        MEDIAN,
        unit="m²",
    ),
    Indicator(
        "impact.surface_par_personne_apres_mediane",
        "Surface par personne après (médiane)",
        "Médiane de la surface habitable de destination ÷ (adultes + enfants), sur les mêmes ménages.",
        MEDIAN,
        unit="m²",
    ),
    Indicator(
        "impact.pct_surpeuplement_avant",
        "Surpeuplement avant",
        "Part des mêmes ménages dont la surface d'origine est inférieure à la norme de peuplement "
        "(9 m² pour 1 personne, 16 m² pour 2, + 9 m² par personne supplémentaire, 70 m² à partir de 8).",
        SHARE,
    ),
    Indicator(
        "impact.pct_surpeuplement_apres",
        "Surpeuplement après",
        "Part des mêmes ménages dont la surface de destination est inférieure à la norme de peuplement.",
        SHARE,
    ),
    Indicator(
        "impact.pct_minoration_loyer",
        "Indemnité pour minoration de loyer",
        "Part des relogés définitifs pour lesquels l'indemnité ANRU pour minoration de loyer est accordée.",
        SHARE,
    ),
    Indicator(
        "impact.pct_satisfaits",
        "Satisfaits du nouveau logement (6 mois)",
        "Part des relogés définitifs ayant répondu à l'enquête à 6 mois qui sont très satisfaits ou "
        "satisfaits de leur nouveau logement.",
        SHARE,
    ),
    Indicator(
        "impact.pct_impayes_6_mois",
        "Impayés de loyer à 6 mois",
        "Part des relogés définitifs dont la situation d'impayés à 6 mois est renseignée et qui ont des "
        "impayés.",
        SHARE,
    ),
    # Process
    Indicator(
        "processus.propositions_par_reloge",
        "Propositions par ménage relogé",
        "Nombre de propositions (quelle que soit la réponse, notifiées au plus tard à la date d'observation) "
        "faites aux ménages recensés relogés définitivement ÷ nombre de ces ménages.",
        MEAN,
    ),
    Indicator(
        "processus.taux_refus",
        "Taux de refus",
        "Propositions refusées ÷ (acceptées + refusées), parmi les propositions notifiées au plus tard à la "
        "date d'observation (une réponse postérieure à cette date compte comme en attente).",
        SHARE,
    ),
    Indicator(
        "processus.delai_median_jours",
        "Délai médian de relogement",
        "Médiane du nombre de jours entre la date de recensement et la date d'emménagement, sur les ménages "
        "recensés relogés définitivement.",
        MEDIAN,
        unit="jours",
    ),
]


# Grievances (relogement/grievances/indicators.py): one count and one median per category.
def _grievance_indicators() -> list[Indicator]:
    from relogement.grievances.indicators import COUNT_PREFIX, MEDIAN_PREFIX
    from relogement.grievances.models import GrievanceCategory

    counts = [
        Indicator(
            f"{COUNT_PREFIX}{value}",
            f"Réclamations : {label}",
            f"Nombre de réclamations d'objet « {label} » reçues au plus tard à la date d'observation, des "
            "ménages du périmètre (quel que soit leur statut).",
            COUNT,
        )
        for value, label in GrievanceCategory.choices
    ]
    medians = [
        Indicator(
            f"{MEDIAN_PREFIX}{value}",
            f"Délai médian de traitement : {label}",
            f"Médiane du nombre de jours entre la réception et la clôture des réclamations d'objet « {label} » "
            "clôturées au plus tard à la date d'observation (nombre pair : moyenne des deux valeurs centrales).",
            MEDIAN,
            unit="jours",
        )
        for value, label in GrievanceCategory.choices
    ]
    return counts + medians


INDICATORS.extend(_grievance_indicators())

STATUS_PREFIX = "avancement.par_statut."
MOTIF_PREFIX = "processus.motifs_refus."

BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}


def status_indicator(status: str) -> Indicator:
    label = ReportingStatus(status).label
    return Indicator(
        f"{STATUS_PREFIX}{status}",
        f"Statut « {label} »",
        f"Nombre de ménages recensés au statut « {label} » à la date d'observation (statut lu dans "
        "l'historique des statuts).",
        COUNT,
        drillable=True,
    )


def motif_indicator(motif: str, label: str) -> Indicator:
    return Indicator(
        f"{MOTIF_PREFIX}{motif}",
        f"Refus : {label}",
        f"Nombre de propositions notifiées au plus tard à la date d'observation et refusées pour le motif "
        f"« {label} » à cette date.",
        COUNT,
    )


STATUS_INDICATORS = [status_indicator(s) for s in ReportingStatus.values]


def expand(motifs: dict[str, str]) -> list[Indicator]:
    """Every indicator in the INDICATORS.md order, the dynamic families expanded.

    ``motifs`` maps a refusal-reason key to its label (configured reasons and reasons found in data).
    """
    out: list[Indicator] = []
    for indicator in INDICATORS:
        out.append(indicator)
        if indicator.id == "avancement.decohabitations":
            out.extend(STATUS_INDICATORS)
        if indicator.id == "processus.taux_refus":
            out.extend(motif_indicator(key, label) for key, label in motifs.items())
    return out


def get(indicator_id: str, motifs: dict[str, str] | None = None) -> Indicator | None:
    if indicator_id in BY_ID:
        return BY_ID[indicator_id]
    if indicator_id.startswith(STATUS_PREFIX):
        status = indicator_id.removeprefix(STATUS_PREFIX)
        return status_indicator(status) if status in ReportingStatus.values else None
    if indicator_id.startswith(MOTIF_PREFIX) and motifs is not None:
        key = indicator_id.removeprefix(MOTIF_PREFIX)
        return motif_indicator(key, motifs[key]) if key in motifs else None
    return None
