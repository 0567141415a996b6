"""Decision support: ranking 20,000 offers for one household (residual rents from the benefits engine)
and an allocation plan for 3,000 households × 3,000 offers, against first-come-first-served.

Data are generated in memory (seeded) on the communes of the bench database (or of the shared zoning
file when the referential is not loaded); nothing is written to the database.

Run alone: ``DATABASE_URL=... .venv/bin/python benchmarks/bench_matching.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

OFFERS = 20_000
PLAN_HOUSEHOLDS = 3_000
PLAN_OFFERS = 3_000
TODAY = dt.date(2026, 6, 1)


def _communes() -> list[tuple[int, str, str, int]]:
    """(id, name, insee code, APL zone) of up to 95 communes the benefits engine knows."""
    from relogement.territory.models import Commune

    rows = list(
        Commune.objects.exclude(zone_apl=None).values_list("pk", "name", "insee_code", "zone_apl")[:95]
    )
    if rows:
        return rows
    from relogement.benefits.engine import _zones_from_shared_csv

    zones = _zones_from_shared_csv()
    return [(i + 1, code, code, zone or 0) for i, (code, zone) in enumerate(sorted(zones.items()))][:95]


def offer_rows(count: int, communes, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        commune = rng.choice(communes)
        rooms = rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 20, 32, 25, 10, 5])[0]
        area = 18 + rooms * rng.uniform(12, 18)
        rows.append(
            {
                "pk": i + 1,
                "reference": f"BENCH-OF-{i:05d}",
                "commune_id": commune[0],
                "commune_name": commune[1],
                "insee_code": commune[2],
                "zone": commune[3],
                "in_qpv": rng.random() < 0.3,
                "rooms": rooms,
                "living_area": round(area, 2),
                "floor": rng.randint(0, 8),
                "has_lift": rng.random() < 0.5,
                "accessible": rng.random() < 0.15,
                "is_house": rng.random() < 0.15,
                "rent": round(area * rng.uniform(5.5, 8.5), 2),
                "charges": round(rng.uniform(40, 140), 2),
                "commissioning": TODAY - dt.timedelta(days=rng.randrange(0, 40 * 365)),
                "available_from": TODAY + dt.timedelta(days=rng.randrange(-60, 540)),
                # Mostly social housing, some private lets and foyers (one curve per zone and kind).
                "stock": rng.choices(
                    ["social", "prive_vide", "prive_meuble", "foyer"], weights=[85, 10, 3, 2]
                )[0],
            }
        )
    return rows


def rich_profile():
    """Three adults (one job seeker, a retired grandparent) and two children: the richer model."""
    from relogement.benefits import engine

    return engine.HouseholdProfile(
        (
            engine.Person("reference", 42, "salarie", salary=Decimal("1450")),
            engine.Person("spouse", 40, "demandeur_emploi", unemployment=Decimal("620")),
            engine.Person("other", 71, "retraite", pension=Decimal("780")),
            engine.Person("child", 9),
            engine.Person("child", 14),
        )
    )


def household_contexts(count: int, communes, seed: int):
    from relogement.matching.criteria.base import HouseholdContext

    rng = random.Random(seed)
    contexts = []
    for i in range(count):
        adults, children = rng.choice([1, 1, 2, 2, 2]), rng.choice([0, 0, 1, 2, 3, 4])
        resources = rng.uniform(700, 3000)
        rent_before, aid = rng.uniform(250, 600), rng.uniform(0, 350)
        wished = rng.sample(communes, 3)
        persons = adults + children
        contexts.append(
            HouseholdContext(
                pk=i + 1,
                adults=adults,
                children=children,
                today=TODAY,
                monthly_resources=resources,
                rac_before=max(rent_before + 80 - aid, 0),
                aid_before=aid,
                reduced_mobility=rng.random() < 0.08,
                needs_ground_floor_or_lift=rng.random() < 0.1,
                max_residual_rent=rng.choice([None, rent_before + 150]),
                demolition_date=TODAY + dt.timedelta(days=rng.randrange(120, 900)),
                census_date=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(700)),
                wish_communes=tuple(c[0] for c in wished),
                wish_commune_names=tuple(c[1] for c in wished),
                wish_rooms=frozenset({min(max(persons, 1), 6), min(persons + 1, 6)}),
            )
        )
    return contexts


def bench_ranking(communes) -> list[dict]:
    from relogement.benefits import engine
    from relogement.matching import registry
    from relogement.matching.criteria.base import OfferTable
    from relogement.matching.residual_rent import EngineResidualRent
    from relogement.matching.selectors import rank_table
    from relogement.matching.warmup import warm_up_engine

    table = OfferTable.from_rows(offer_rows(OFFERS, communes, seed=1))
    hh = household_contexts(1, communes, seed=2)[0]
    hh.reduced_mobility = hh.needs_ground_floor_or_lift = False
    hh.max_residual_rent = None
    hh.demolition_date = TODAY + dt.timedelta(days=900)
    hh.profile = rich_profile()
    hh.adults, hh.children = 3, 2
    weights = registry.default_weights()
    provider = EngineResidualRent()
    # What a server does at start-up (MATCHING_WARM_UP_ENGINE): the tax-benefit system and its first
    # simulation are paid once per process, not per household.
    warm_up_engine()
    engine.clear_cache()
    started = time.perf_counter()
    scores, order = rank_table(hh, table, weights=weights, rac_provider=provider)
    cold = time.perf_counter() - started
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        scores, order = rank_table(hh, table, weights=weights, rac_provider=provider)
        timings.append(time.perf_counter() - started)
    warm = min(timings)  # best of three: the machine may be shared
    computed = int((~np.isnan(scores.rac)).sum())
    zones = len({c[3] for c in communes})
    kinds = len(set(table.stock.tolist()))
    return [
        {
            "name": "Aide à la décision : classement de 20 000 offres pour un ménage (courbe d'aides en cache)",
            "value": round(warm, 3),
            "unit": "s",
            "target": "< 1 s",
            "notes": f"{len(order)} offres suggérées ; reste à charge openfisca calculé pour {computed} offres "
            f"(celles qui passent les autres critères bloquants), {zones} zones APL × {kinds} types de logement ; "
            "ménage de 3 adultes (dont un demandeur d'emploi et un retraité) et 2 enfants",
        },
        {
            "name": "Aide à la décision : même classement, premier calcul du ménage (courbes openfisca à construire)",
            "value": round(cold, 3),
            "unit": "s",
            "target": "< 3 s",
            "notes": "processus préchauffé (système socio-fiscal chargé) ; une simulation openfisca avec axes "
            "par zone APL, plus une simulation exacte par zone pour les loyers à centimes que la courbe ne "
            "tranche pas ; puis mise en cache par profil et zone. Reste à charge exact (à 0,01 € près)",
        },
    ]


def bench_plan(communes) -> list[dict]:
    from relogement.matching import plan, registry
    from relogement.matching.criteria.base import OfferTable
    from relogement.matching.residual_rent import estimated_residual_rent
    from relogement.matching.selectors import fcfs_order, score_matrix

    table = OfferTable.from_rows(offer_rows(PLAN_OFFERS, communes, seed=3))
    contexts = household_contexts(PLAN_HOUSEHOLDS, communes, seed=4)
    cpu_started = time.process_time()
    started = time.perf_counter()
    suitability, allowed = score_matrix(
        contexts,
        table,
        weights_by_project={None: registry.default_weights()},
        rac_provider=estimated_residual_rent,
    )
    matrix_time = time.perf_counter() - started
    prio = plan.priority([c.demolition_date for c in contexts], TODAY)
    started = time.perf_counter()
    optimal = plan.solve(suitability, allowed, prio)
    solve_time = time.perf_counter() - started
    cpu_time = time.process_time() - cpu_started
    fcfs = plan.first_come_first_served(suitability, allowed, prio, fcfs_order(contexts))
    total = matrix_time + solve_time
    gain = (optimal.objective - fcfs.objective) / fcfs.objective * 100 if fcfs.objective else 0.0
    return [
        {
            "name": "Aide à la décision : plan d'attribution 3 000 ménages × 3 000 offres",
            "value": round(total, 2),
            "unit": "s",
            "target": "< 10 s",
            "notes": f"matrice des scores {matrix_time:.2f} s + linear_sum_assignment {solve_time:.2f} s "
            f"(temps processeur {cpu_time:.2f} s) ; "
            f"{allowed.mean() * 100:.0f} % de paires autorisées ; solveur seul, reste à charge estimé (aides "
            "actuelles) : la page du plan lit les restes à charge exacts du moteur, au plus 200 000 paires "
            "(voir « Prestations : matrice »)",
        },
        {
            "name": "Aide à la décision : score du plan optimal / premier arrivé, premier servi",
            "value": round(optimal.objective, 1),
            "unit": "points",
            "target": f"≥ {fcfs.objective:.1f} (FCFS)",
            "notes": f"optimal : {optimal.count} ménages, adéquation {optimal.suitability:.1f} ; "
            f"FCFS : {fcfs.count} ménages, adéquation {fcfs.suitability:.1f} ; gain {gain:+.1f} %",
        },
    ]


def random_profiles(count: int, seed: int):
    """Households of 1–4 adults (own incomes and situations) and 0–4 children, for the engine."""
    from relogement.benefits import engine

    rng = random.Random(seed)
    situations = ("salarie", "demandeur_emploi", "retraite", "inactif", "")
    profiles = []
    for _ in range(count):
        persons = [
            engine.Person(
                "reference" if i == 0 else ("spouse" if i == 1 else "other"),
                rng.randint(20, 80),
                rng.choice(situations),
                salary=Decimal(rng.randint(0, 2500)),
            )
            for i in range(rng.choice((1, 1, 2, 2, 2, 3, 4)))
        ]
        persons += [engine.Person("child", rng.randint(0, 20)) for _ in range(rng.choice((0, 1, 2, 3, 4)))]
        profiles.append(engine.HouseholdProfile(tuple(persons)))
    return profiles


def bench_offer_households(communes) -> list[dict]:
    """One offer against 3,000 households (the offer → households page, scoring part only), with the
    engine's exact residual rents for the offer's stock kind (``MatrixResidualRent``)."""
    from relogement.benefits import engine
    from relogement.matching import registry
    from relogement.matching.criteria.base import OfferTable
    from relogement.matching.residual_rent import MatrixResidualRent
    from relogement.matching.scoring import score_offers
    from relogement.matching.warmup import warm_up_engine

    rows = offer_rows(1, communes, seed=5)
    rows[0]["stock"] = "prive_vide"
    table = OfferTable.from_rows(rows)
    contexts = household_contexts(PLAN_HOUSEHOLDS, communes, seed=6)
    for hh, profile in zip(contexts, random_profiles(len(contexts), seed=7), strict=True):
        hh.profile = profile
    weights, criteria = registry.default_weights(), registry.all_criteria()
    warm_up_engine()
    engine.clear_cache()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        provider = MatrixResidualRent(contexts, table)
        for hh in contexts:
            score_offers(hh, table, weights=weights, rac_provider=provider, criteria=criteria)
        timings.append(time.perf_counter() - started)
    return [
        {
            "name": "Aide à la décision : une offre face à 3 000 ménages (page offre → ménages, calcul des scores)",
            "value": round(timings[0], 3),
            "unit": "s",
            "target": "< 5 s",
            "notes": "restes à charge exacts du moteur (parc privé, tous les ménages dans les mêmes simulations "
            f"openfisca), cache vide ; à nouveau (matrice en cache) : {min(timings[1:]):.3f} s ; hors lecture "
            "en base (ménages lus en valeurs, critères bloquants filtrés par la base avant)",
        }
    ]


def run(ctx=None) -> list[dict]:
    communes = _communes()
    return bench_ranking(communes) + bench_offer_households(communes) + bench_plan(communes)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    for row in run():
        print(f"{row['name']}: {row['value']} {row['unit']} (cible {row['target']}) — {row['notes']}")
