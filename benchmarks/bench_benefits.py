"""Benefits engine: APL/RLS of one household against 1,000 and 20,000 offer rents.

- cold: the curve cache is empty (the openfisca tax-benefit system itself is already loaded; its
  one-off loading time per process is reported apart);
- warm: the same call again, curves cached;
- naive: one openfisca simulation per offer, timed on 20 offers and extrapolated to 20,000.

Offers are spread over the communes the engine knows (referential, or the shared zoning file) and
grouped by commune as a caller does; communes of the same APL zone share one curve. Rents are in
cents (uniform 250–900 €), so the interpolation and its exact fallback are exercised.

Run alone: ``DATABASE_URL=... .venv/bin/python benchmarks/bench_benefits.py``.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

PROFILE = dict(adults=2, children=2, income=Decimal("1400"))
NAIVE_SAMPLE = 20


def _communes() -> list[str]:
    from relogement.territory.models import Commune

    codes = list(Commune.objects.exclude(zone_apl=None).values_list("insee_code", flat=True))
    if codes:
        return sorted(codes)
    from relogement.benefits.engine import _zones_from_shared_csv

    return sorted(_zones_from_shared_csv())


def _offers(count: int, communes: list[str], seed: int) -> list[tuple[str, Decimal, Decimal]]:
    rng = random.Random(seed)
    return [
        (
            rng.choice(communes),
            Decimal(rng.randint(25_000, 90_000)) / 100,
            Decimal(rng.randint(3_000, 15_000)) / 100,
        )
        for _ in range(count)
    ]


def _for_offers(engine, profile, offers) -> int:
    """Benefits for every offer (the engine groups them by APL zone); returns the number of results."""
    return len(engine.compute_for_offers(profile=profile, offers=offers))


def _naive(engine, profile, offers) -> float:
    """One openfisca simulation built and computed per offer (what the curve avoids)."""
    started = time.perf_counter()
    for commune, rent, _charges in offers:
        zone = engine.commune_zone(commune)
        engine.simulate_exact(
            profile, insee_code=commune, zone=zone, month=engine.DEFAULT_MONTH, rents=[float(rent)]
        )
    return time.perf_counter() - started


def run(ctx=None) -> list[dict]:
    from relogement.benefits import engine

    profile = engine.HouseholdProfile(PROFILE["adults"], PROFILE["children"], PROFILE["income"])
    communes = _communes()
    started = time.perf_counter()
    engine.tax_benefit_system()
    load = time.perf_counter() - started
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
        }
    ]
    for count, target_cold in ((1_000, "< 2 s"), (20_000, "< 5 s")):
        offers = _offers(count, communes, seed=count)
        label = f"{count:,}".replace(",", "\u202f")
        engine.clear_cache()
        started = time.perf_counter()
        done = _for_offers(engine, profile, offers)
        cold = time.perf_counter() - started
        info = engine.cache_info()
        exact = sum(curve.exact_simulations for curve in engine._curves.values())
        exact_rents = sum(len(curve.exact) for curve in engine._curves.values())
        started = time.perf_counter()
        _for_offers(engine, profile, offers)
        warm = time.perf_counter() - started
        assert done == count
        rows += [
            {
                "name": f"Prestations : 1 ménage × {label} loyers d'offres, cache vide",
                "value": round(cold, 2),
                "unit": "s",
                "target": target_cold,
                "notes": f"{info['curves']} courbe(s) openfisca (axe sur le loyer, 0–1 500 € par pas de 1 €), "
                f"{exact} simulation(s) exacte(s) pour {exact_rents} loyer(s) proches d'un seuil ou d'un arrondi",
            },
            {
                "name": f"Prestations : 1 ménage × {label} loyers d'offres, courbes en cache",
                "value": round(warm, 3),
                "unit": "s",
                "target": "< 0,5 s",
                "notes": "interpolation seule",
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
