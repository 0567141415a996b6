"""Default compliance of an offer with the household's needs and means (art. 13 bis, law of 1 Sept 1948).

Each check is a small rule that explains itself; the result is only a proposal shown on the
notification form: the user confirms or corrects it, and the decision is recorded per proposal
(``Proposal.is_compliant``). See docs/offer-rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from relogement.core.formatting import format_number, format_percent
from relogement.projects.models import dwelling_rooms

# Effort-rate ceiling above which an offer is not presumed to match the household's means. 30 % is
# the ceiling commonly used by social landlords and in rehousing charters (documented, editable here).
EFFORT_RATE_CEILING = Decimal("0.30")


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool | None  # None: not enough data to decide, does not block
    detail: str


def minimum_area(persons: int) -> Decimal:
    """Housing-benefit decency norm: 9 m² for one person, 16 m² for two, +9 m² per additional person,
    capped at 70 m² for eight persons or more."""
    if persons <= 1:
        return Decimal("9")
    return Decimal(min(16 + 9 * (persons - 2), 70))


def check_area(persons: int, living_area) -> Check:
    needed = minimum_area(persons)
    if living_area is None:
        return Check("Surface et composition", None, "Surface non renseignée.")
    ok = Decimal(living_area) >= needed
    return Check(
        "Surface et composition",
        ok,
        f"{format_number(living_area, 0)} m² pour {persons} personne(s) : minimum {format_number(needed)} m²"
        + ("" if ok else " (surpeuplement)."),
    )


def check_rooms(persons: int, dwelling_type: str) -> Check:
    if not dwelling_type:
        return Check("Typologie et composition", None, "Typologie non renseignée.")
    rooms = dwelling_rooms(dwelling_type)
    ok = rooms <= persons + 1
    return Check(
        "Typologie et composition",
        ok,
        f"{dwelling_type} pour {persons} personne(s) : au plus {persons + 1} pièces principales"
        + ("" if ok else " (sous-occupation, CCH L.621-2)."),
    )


def check_accessibility(household, offer) -> Check | None:
    if offer is None:
        return None
    if household.reduced_mobility and not offer.accessible:
        return Check("Accessibilité", False, "Le ménage a besoin d'un logement accessible (PMR).")
    if household.needs_ground_floor_or_lift and offer.floor > 0 and not offer.has_lift:
        return Check("Accessibilité", False, "Le ménage a besoin d'un rez-de-chaussée ou d'un ascenseur.")
    if household.reduced_mobility or household.needs_ground_floor_or_lift:
        return Check("Accessibilité", True, "Besoins d'accessibilité du ménage respectés.")
    return None


def check_means(estimate) -> Check:
    if estimate is None or not estimate.available or estimate.effort_rate is None:
        reason = estimate.error if estimate is not None and estimate.error else "ressources inconnues"
        return Check("Loyer et ressources", None, f"Taux d'effort non calculable ({reason}).")
    ok = estimate.effort_rate <= EFFORT_RATE_CEILING
    return Check(
        "Loyer et ressources",
        ok,
        f"Taux d'effort après relogement {format_percent(estimate.effort_rate)}"
        f" (plafond retenu {format_percent(EFFORT_RATE_CEILING, 0)})."
        # An estimate says so; its assumptions name resources, so they stay on the pages that may show them.
        + (
            " Estimation : le dossier ne renseigne pas toute la situation du ménage."
            if getattr(estimate, "assumptions", ())
            else ""
        ),
    )


def default_compliance(household, *, dwelling_type: str, living_area, offer=None, estimate=None):
    """(is_compliant, checks): compliant unless a check with enough data says otherwise."""
    persons = household.persons_count
    checks = [check_area(persons, living_area), check_rooms(persons, dwelling_type)]
    access = check_accessibility(household, offer)
    if access is not None:
        checks.append(access)
    checks.append(check_means(estimate))
    return all(c.ok is not False for c in checks), checks


def compliance_note(checks) -> str:
    marks = {True: "conforme", False: "non conforme", None: "non vérifié"}
    return "\n".join(f"{c.label} : {marks[c.ok]}. {c.detail}" for c in checks)
