"""ANRU rent-reduction payment (indemnité pour minoration de loyer): does it apply to a rehousing?

Conditions (RGA ANRU, DOMAIN.md §3): a definitive rehousing in social housing that is new or was
conventioned less than 5 years before the move-in, with a rent at or below the APL rent ceiling
(*loyer plafond*) of the household's composition in the dwelling's APL zone.

The ceiling is read from the openfisca-france parameter files (the same reference as the benefits
engine), without loading the whole tax-benefit system. When a datum is missing (zone, commissioning
date, rent), the answer is None ("unknown") with the reason; users can always correct the flag.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path

import yaml

from relogement.core.formatting import format_composition, format_euros
from relogement.offers.offer_rules import add_months
from relogement.rehousing.models import HousingStock, RehousingKind

CONVENTIONED_YEARS = 5


@functools.cache
def _ceiling_series(zone: int, key: str) -> list[tuple[dt.date, Decimal]]:
    import openfisca_france

    base = Path(openfisca_france.__file__).parent / "parameters/prestations_sociales/aides_logement"
    path = base / f"allocations_logement/locatif/formule/l_plafonds_loyers/par_zone/zone_{zone}/{key}.yaml"
    values = yaml.safe_load(path.read_text())["values"]
    series = []
    for start, item in values.items():
        value = item.get("value") if isinstance(item, dict) else item
        if value is not None:
            series.append(
                (
                    start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)),
                    Decimal(str(value)),
                )
            )
    return sorted(series)


def _value_on(series, on: dt.date) -> Decimal | None:
    value = None
    for start, v in series:
        if start <= on:
            value = v
    return value


def apl_rent_ceiling(*, zone: int, adults: int, children: int, on: dt.date) -> Decimal | None:
    """Monthly APL rent ceiling (€) for a composition in an APL zone (1, 2 or 3) at a date."""
    if zone not in (1, 2, 3):
        return None
    if children <= 0:
        key = "personnes_seules" if adults <= 1 else "couples"
        return _value_on(_ceiling_series(zone, key), on)
    base = _value_on(_ceiling_series(zone, "un_enfant"), on)
    extra = _value_on(_ceiling_series(zone, "majoration_par_enf_supp"), on)
    if base is None or extra is None:
        return None
    return base + extra * (children - 1)


def rent_reduction_payment(
    *,
    kind: str,
    housing_stock: str,
    commissioning_date: dt.date | None,
    move_in_date: dt.date,
    rent: Decimal | None,
    zone_apl: int | None,
    adults: int,
    children: int,
) -> tuple[bool | None, str]:
    """(applies, explanation in French). None when the data do not allow a decision."""
    if kind != RehousingKind.DEFINITIVE:
        return False, "Relogement provisoire : l'indemnité ne s'applique qu'aux relogements définitifs."
    if housing_stock != HousingStock.SOCIAL:
        return False, "Logement hors parc social : pas d'indemnité pour minoration de loyer."
    if commissioning_date is None:
        return None, "Date de mise en service ou de conventionnement inconnue : à vérifier."
    if add_months(commissioning_date, 12 * CONVENTIONED_YEARS) <= move_in_date:
        return False, (
            f"Logement mis en service ou conventionné le {commissioning_date:%d/%m/%Y}, "
            f"il y a plus de {CONVENTIONED_YEARS} ans."
        )
    if rent is None:
        return None, "Loyer inconnu : à vérifier."
    ceiling = apl_rent_ceiling(zone=zone_apl or 0, adults=adults, children=children, on=move_in_date)
    if ceiling is None:
        return None, "Zone APL de la commune inconnue : plafond de loyer non déterminé."
    ok = rent <= ceiling
    return ok, (
        f"Logement neuf ou conventionné depuis moins de {CONVENTIONED_YEARS} ans ; loyer {format_euros(rent)} "
        f"{'≤' if ok else '>'} loyer plafond APL {format_euros(ceiling)} (zone {zone_apl}, "
        f"{format_composition(adults, children)})."
    )
