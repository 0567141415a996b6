"""Which of the household's stated wishes an offer breaks: commune, typology, maximum residual rent.

Positioning a household on an offer that contradicts its wishes is allowed (a person decides), but only
with a stated reason: ``services.proposal_position`` checks it and keeps the reason in the proposal's
history and its first transition. The ranked pages and the positioning page show the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist


@dataclass(frozen=True)
class BrokenWish:
    wish: str  # "commune", "typologie", "reste_a_charge"
    label: str  # French, for the page and the history

    def __str__(self) -> str:
        return self.label


def _euros(amount: Decimal) -> str:
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} €"


def broken_wishes(household, offer, *, after=None) -> list[BrokenWish]:
    """The wishes of ``household`` that ``offer`` contradicts (empty without wishes).

    ``after`` is the residual rent estimate in the offer (``residual_rent.estimate_for_offer``); it is
    computed here only when the household states a maximum residual rent and none is given.
    """
    try:
        wishes = household.wishes
    except ObjectDoesNotExist:
        return []
    broken = []
    locations = list(wishes.locations.select_related("commune").order_by("rank"))
    if locations and offer.commune_id not in {loc.commune_id for loc in locations}:
        names = ", ".join(loc.commune.name for loc in locations)
        broken.append(
            BrokenWish(
                "commune",
                f"Commune : {offer.commune.name} ne fait pas partie des communes souhaitées ({names})",
            )
        )
    types = [t for t in (wishes.dwelling_types or []) if isinstance(t, str)]
    if types and offer.dwelling_type not in types:
        broken.append(
            BrokenWish(
                "typologie",
                f"Typologie : {offer.dwelling_type} au lieu de {', '.join(sorted(types))} souhaité",
            )
        )
    if wishes.max_residual_rent is not None:
        if after is None:
            from relogement.offers.residual_rent import estimate_for_offer

            after = estimate_for_offer(household, offer)
        if after is not None and after.available and after.rac is not None:
            if after.rac > wishes.max_residual_rent:
                broken.append(
                    BrokenWish(
                        "reste_a_charge",
                        f"Reste à charge : {_euros(after.rac)} estimé, au-dessus du maximum indiqué "
                        f"par le ménage ({_euros(wishes.max_residual_rent)})",
                    )
                )
    return broken
