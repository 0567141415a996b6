"""Benefits engine: APL/RLS of one household against 1,000 and 20,000 offer rents, and the matrix of
an allocation plan (300 households × 300 offers).

- cold: the curve cache is empty (the openfisca tax-benefit system itself is already loaded; its
  one-off loading time per process, and the trace of what depends on the rent, are reported apart);
- warm: the same call again, curves cached;
- naive: one openfisca simulation per offer, timed on 20 offers and extrapolated to 20,000;
- matrix: every household against every offer, exact (``residual_rent_matrix``), cold then again.

The household is the richer model: three adults (a job seeker, a retired grandparent) with their own
incomes and two children. Offers are spread over the communes the engine knows (referential, or the
shared zoning file), mostly social housing with some private lets and foyers; communes of the same APL
zone and stock kind share one curve. Rents are in cents (uniform 250–900 €), so the interpolation and
its exact fallback are exercised.

Run alone: ``DATABASE_URL=... .venv/bin/python benchmarks/bench_benefits.py``.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

NAIVE_SAMPLE = 20
STOCKS = (("social", 85), ("prive_vide", 10), ("prive_meuble", 3), ("foyer", 2))
MATRIX = (300, 300)


def _communes() -> list[str]:
    from relogement.territory.models import Commune

    codes = list(Commune.objects.exclude(zone_apl=None).values_list("insee_code", flat=True))
    if codes:
        return sorted(codes)
    from relogement.benefits.engine import _zones_from_shared_csv

    return sorted(_zones_from_shared_csv())


def _offers(count: int, communes: list[str], seed: int) -> list[tuple[str, Decimal, Decimal, str]]:
    rng = random.Random(seed)
    kinds, weights = zip(*STOCKS, strict=True)
    return [
        (
            rng.choice(communes),
            Decimal(rng.randint(25_000, 90_000)) / 100,
            Decimal(rng.randint(3_000, 15_000)) / 100,
            rng.choices(kinds, weights=weights)[0],
        )
        for _ in range(count)
    ]


def _profile(engine):
    return engine.HouseholdProfile(
        (
            engine.Person("reference", 42, "salarie", salary=Decimal("1450")),
            engine.Person("spouse", 40, "demandeur_emploi", unemployment=Decimal("620")),
            engine.Person("other", 71, "retraite", pension=Decimal("780")),
            engine.Person("child", 9),
            engine.Person("child", 14),
        )
    )


def _random_profiles(engine, count: int, seed: int):
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
            for i in range(rng.choice((1, 1, 2, 2, 2, 3)))
        ]
        persons += [engine.Person("child", rng.randint(0, 20)) for _ in range(rng.choice((0, 1, 2, 3, 4)))]
        profiles.append(engine.HouseholdProfile(tuple(persons)))
    return profiles


def _for_offers(engine, profile, offers) -> int:
    """Benefits for every offer (the engine groups them by APL zone); returns the number of results."""
    return len(engine.compute_for_offers(profile=profile, offers=offers))


def _naive(engine, profile, offers) -> float:
    """One openfisca simulation built and computed per offer (what the curve avoids)."""
    started = time.perf_counter()
    for commune, rent, _charges, stock in offers:
        zone = engine.commune_zone(commune)
        engine.simulate_exact(
            profile,
            insee_code=commune,
            zone=zone,
            month=engine.DEFAULT_MONTH,
            rents=[float(rent)],
            stock=stock,
        )
    return time.perf_counter() - started


def run(ctx=None) -> list[dict]:
    from relogement.benefits import engine, situation

    profile = _profile(engine)
    communes = _communes()
    started = time.perf_counter()
    engine.tax_benefit_system()
    load = time.perf_counter() - started
    started = time.perf_counter()
    situation.rent_dependency(engine.tax_benefit_system(), engine.DEFAULT_MONTH)
    trace = time.perf_counter() - started
    # Warm-up: the first simulation of a process compiles formulas and parameter caches.
    engine.simulate_exact(
        profile, insee_code=communes[0], zone=None, month=engine.DEFAULT_MONTH, rents=[400.0]
    )
    rows = [
        {
            "name": "Prestations : chargement du système openfisca-france",
            "value": round(load, 2),
            "unit": "s",
            "target": "une fois par processus",
            "notes": "singleton paresseux du module engine",
        },
        {
            "name": "Prestations : trace de ce qui dépend du loyer (une fois par mois simulé)",
            "value": round(trace, 2),
            "unit": "s",
            "target": "une fois par processus",
            "notes": "faite au préchauffage du serveur",
        },
    ]
    for count, target_cold in ((1_000, "< 2 s"), (20_000, "< 5 s")):
        offers = _offers(count, communes, seed=count)
        label = f"{count:,}".replace(",", "\u202f")
        engine.clear_cache()
        started = time.perf_counter()
        done = _for_offers(engine, profile, offers)
        cold = time.perf_counter() - started
        info = engine.cache_info()
        exact = engine._stats["exact_runs"]
        started = time.perf_counter()
        _for_offers(engine, profile, offers)
        warm = time.perf_counter() - started
        started = time.perf_counter()
        engine.residual_rents(profile=profile, offers=offers)
        floats = time.perf_counter() - started
        assert done == count
        rows += [
            {
                "name": f"Prestations : 1 ménage × {label} loyers d'offres, cache vide",
                "value": round(cold, 2),
                "unit": "s",
                "target": target_cold,
                "notes": f"{info['curves']} courbe(s) openfisca (zone APL × type de logement, 0–1 500 € par pas "
                f"de 1 €, en une simulation), {exact} simulation(s) exacte(s) ; ménage de 3 adultes et 2 enfants",
            },
            {
                "name": f"Prestations : 1 ménage × {label} loyers d'offres, courbes en cache",
                "value": round(warm, 3),
                "unit": "s",
                "target": "< 1 s",
                "notes": f"interpolation et un BenefitResult par offre ; restes à charge seuls (residual_rents, "
                f"ce que lit le classement) : {floats:.3f} s",
            },
        ]
    households, count = MATRIX
    profiles = _random_profiles(engine, households, seed=11)
    offers = _offers(count, communes, seed=12)
    engine.clear_cache()
    started = time.perf_counter()
    engine.residual_rent_matrix(profiles=profiles, offers=offers)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    engine.residual_rent_matrix(profiles=profiles, offers=offers)
    again = time.perf_counter() - started
    rows += [
        {
            "name": f"Prestations : matrice d'un plan, {households} ménages × {count} offres, restes à charge exacts",
            "value": round(cold, 2),
            "unit": "s",
            "target": "< 15 s",
            "notes": "une simulation par ménage et type de logement, puis chaque loyer distinct des offres, "
            "tous les ménages ensemble",
        },
        {
            "name": "Prestations : même matrice, affichée à nouveau (épinglage, exclusion)",
            "value": round(again, 3),
            "unit": "s",
            "target": "< 0,5 s",
            "notes": "quatre dernières matrices gardées en mémoire",
        },
    ]
    sample = _offers(NAIVE_SAMPLE, communes, seed=7)
    naive = _naive(engine, profile, sample)
    rows.append(
        {
            "name": "Prestations : une simulation openfisca par offre (naïf), extrapolé à 20\u202f000 offres",
            "value": round(naive / NAIVE_SAMPLE * 20_000, 1),
            "unit": "s",
            "target": "à titre de comparaison",
            "notes": f"{naive / NAIVE_SAMPLE * 1000:.0f} ms par offre mesurés sur {NAIVE_SAMPLE} offres",
        }
    )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    for row in run():
        print(f"{row['name']}: {row['value']} {row['unit']} (cible {row['target']}) — {row['notes']}")
