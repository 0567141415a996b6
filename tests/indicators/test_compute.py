"""Each indicator on hand-built data where the answer is known (tests/indicators/builders.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from relogement.grievances.models import GrievanceCategory
from relogement.indicators import registry
from relogement.indicators.perimeter import (
    BUILDING,
    COMMUNE,
    LANDLORD,
    METROPOLIS_PERIMETER,
    PROJECT,
    Perimeter,
)
from relogement.indicators.selectors import ALL, compute_for
from tests import factories
from tests.indicators.builders import scenario

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture
def s(db):
    return scenario()


def values(perimeter, as_of=AS_OF, user=ALL):
    return compute_for(user, perimeter, as_of).values


def project_p(s):
    return Perimeter(PROJECT, str(s.project.pk), s.project.name)


EXPECTED_PROJECT_P = {
    "avancement.recenses": 6,
    "avancement.reloges_definitifs": 3,
    "avancement.reloges_temporaires": 1,
    "avancement.sortis_sans_relogement": 1,
    "avancement.restant_a_reloger": 2,
    "avancement.taux": Decimal("0.6667"),
    "avancement.decohabitations": 1,
    "avancement.par_statut.a_diagnostiquer": 0,
    "avancement.par_statut.en_recherche": 1,
    "avancement.par_statut.proposition_en_cours": 0,
    "avancement.par_statut.reloge_temporaire": 1,
    "avancement.par_statut.reloge": 3,
    "avancement.par_statut.sorti_sans_relogement": 1,
    # D = h1 h2 h6 h8: new only h1 (h6 has no commissioning date, h8 commissioned in 2015, h2 private).
    "impact.pct_neuf_moins_5_ans": Decimal("0.2500"),
    "impact.pct_hors_qpv": Decimal("0.7500"),
    "impact.pct_meme_commune": Decimal("0.7500"),
    "impact.pct_parc_social": Decimal("0.7500"),
    # RAC rows: h1 (250 → 320) and h8 (220 → 260); h2 has no APL after (not computable).
    "impact.rac_avant_moyen": Decimal("235.00"),
    "impact.rac_apres_moyen": Decimal("290.00"),
    "impact.rac_evolution_moyenne": Decimal("55.00"),
    "impact.rac_evolution_mediane": Decimal("55.00"),
    "impact.pct_rac_en_hausse": Decimal("1.0000"),
    # Effort: h1 only (h8 has resources 0): 250/1000 and 320/1000.
    "impact.taux_effort_avant_moyen": Decimal("0.2500"),
    "impact.taux_effort_apres_moyen": Decimal("0.3200"),
    # Surfaces: h1 62→70 m² for 3 persons, h8 40→80 m² for 5 persons (norm 43 m²).
    "impact.surface_par_personne_avant_mediane": Decimal("14.33"),
    "impact.surface_par_personne_apres_mediane": Decimal("19.67"),
    "impact.pct_surpeuplement_avant": Decimal("0.5000"),
    "impact.pct_surpeuplement_apres": Decimal("0.0000"),
    "impact.pct_minoration_loyer": Decimal("0.2500"),
    "impact.pct_satisfaits": Decimal("0.5000"),
    "impact.pct_impayes_6_mois": Decimal("0.5000"),
    # Proposals of Dc: h1 2, h2 1, h8 3 → 6 / 3.
    "processus.propositions_par_reloge": Decimal("2.00"),
    # Accepted h1 h2 h8 = 3; refused h1, h8 ×2 = 3; h5's refusal is answered after the as-of date.
    "processus.taux_refus": Decimal("0.5000"),
    "processus.motifs_refus.trop_petit": 1,
    "processus.motifs_refus.trop_cher": 2,
    # Days census → move-in: h1 425, h2 517, h8 487.
    "processus.delai_median_jours": Decimal("487.00"),
}
# No grievance in these data: every grievance count is 0 and every handling-time median empty.
EXPECTED_PROJECT_P.update(
    {f"processus.reclamations.{c}": 0 for c in GrievanceCategory.values}
    | {f"processus.reclamations_delai_median.{c}": None for c in GrievanceCategory.values}
)


def test_every_indicator_of_project_p(s):
    assert values(project_p(s)) == EXPECTED_PROJECT_P


def test_keys_are_the_registry_ids_in_order(s):
    result = compute_for(ALL, project_p(s), AS_OF)
    assert list(result.values) == [i.id for i in registry.expand(result.motifs)]
    # Configured active reasons are always present; inactive ones only when used.
    assert "processus.motifs_refus.ancien" not in result.values


def test_empty_population_gives_null_shares_and_zero_counts(s):
    result = values(Perimeter(BUILDING, str(s.empty_building.pk), "B-VIDE"))
    for indicator in registry.expand({"trop_cher": "", "trop_petit": ""}):
        value = result[indicator.id]
        if indicator.kind == registry.COUNT:
            assert value == 0, indicator.id
        else:
            assert value is None, indicator.id


def test_as_of_date_respects_history_and_move_in(s):
    # 2026-03-01: h5 rehoused on 2026-02-01 joins D, h7 (census 2026-01-15) joins C.
    later = values(project_p(s), dt.date(2026, 3, 1))
    assert later["avancement.recenses"] == 7
    assert later["avancement.reloges_definitifs"] == 4
    assert later["avancement.par_statut.a_diagnostiquer"] == 1
    assert later["processus.taux_refus"] == Decimal("0.6250")  # both refusals of h5 now count: 5 / (3 + 5)
    # 2025-04-15: only h1 is rehoused; h2 is still searching; h4 exited on 2025-04-01.
    early = values(project_p(s), dt.date(2025, 4, 15))
    assert early["avancement.recenses"] == 6
    assert early["avancement.reloges_definitifs"] == 1
    assert early["avancement.sortis_sans_relogement"] == 1
    assert early["avancement.par_statut.en_recherche"] == 3  # h2 h5 h8
    assert early["avancement.par_statut.a_diagnostiquer"] == 1  # h3, temporarily rehoused in May
    assert early["avancement.decohabitations"] == 0
    assert early["impact.pct_satisfaits"] is None  # h1's survey is dated 2025-09-01


def test_before_any_status_a_census_household_is_to_diagnose(s):
    s.h["h3"].status_changes.all().delete()
    result = values(project_p(s))
    assert result["avancement.par_statut.a_diagnostiquer"] == 1
    assert result["avancement.reloges_temporaires"] == 0


def test_perimeters(s):
    commune = values(Perimeter(COMMUNE, "59512", "Roubaix"))  # h8 (B2) and h9 (B3)
    assert commune["avancement.recenses"] == 2
    assert commune["avancement.reloges_definitifs"] == 2
    assert commune["impact.pct_meme_commune"] == Decimal("0.5000")  # h8 stays in Roubaix, h9 goes to Lille
    landlord = values(Perimeter(LANDLORD, str(s.l1.pk), "Bailleur Un"))  # B1 and the empty building
    assert landlord["avancement.recenses"] == 5
    assert landlord["avancement.decohabitations"] == 1
    building = values(Perimeter(BUILDING, str(s.b2.pk), "B2"))
    assert building["avancement.recenses"] == 1
    assert building["processus.motifs_refus.trop_petit"] == 1
    metropolis = values(METROPOLIS_PERIMETER)
    assert metropolis["avancement.recenses"] == 7
    assert metropolis["processus.motifs_refus.trop_loin_du_travail"] == 1


def test_scoping_provider_never_counts_another_providers_households(s):
    user_a = factories.UserFactory(organisations=[s.provider_a])
    result = values(METROPOLIS_PERIMETER, user=user_a)  # h1, h2 (census) and h6 (split)
    assert result["avancement.recenses"] == 2
    assert result["avancement.reloges_definitifs"] == 2
    assert result["avancement.decohabitations"] == 1
    assert result["processus.propositions_par_reloge"] == Decimal("1.50")
    nobody = factories.UserFactory(organisations=[])
    assert values(METROPOLIS_PERIMETER, user=nobody)["avancement.recenses"] == 0


def test_distributions_before_after(s):
    result = compute_for(ALL, project_p(s), AS_OF)
    # RAC: h1 250 → 320, h8 220 → 260 (bins <0, 0-100, 100-200, 200-300, 300-400, 400-500, ≥500).
    assert result.distributions["rac"] == {"before": [0, 0, 0, 2, 0, 0, 0], "after": [0, 0, 0, 1, 1, 0, 0]}
    # Effort: h1 only, 25 % → 32 % (bins <10, 10-20, 20-30, 30-40, ≥40 %).
    assert result.distributions["effort"] == {"before": [0, 0, 1, 0, 0], "after": [0, 0, 0, 1, 0]}
    # Area per person: h1 20.67 → 23.33 m², h8 8 → 16 m² (bins <9, 9-14, 14-20, 20-30, ≥30).
    assert result.distributions["surface"] == {"before": [1, 0, 0, 1, 0], "after": [0, 0, 1, 1, 0]}
