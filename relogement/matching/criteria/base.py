"""What a matching criterion is: a vectorised rule over offers for one household, with its explanation.

A criterion assesses *all* candidate offers of one household at once (numpy arrays, so that ranking
20,000 offers stays fast) and explains its verdict for one offer in French. The single-offer verdict is
computed by the same vectorised code on a one-row table, so the explanation can never disagree with the
ranking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from relogement.core.formatting import format_euros, format_number, format_percent

NEW_HOUSING_YEARS = 5


@dataclass(frozen=True)
class Verdict:
    criterion_id: str
    label: str
    hard: bool
    excluded: bool
    score: float
    reason: str
    weight: float = 0.0
    scored: bool = True


@dataclass
class Assessment:
    """Per-offer result of one criterion: ``excluded`` (bool array) and ``score`` (floats in [0, 1])."""

    excluded: np.ndarray
    score: np.ndarray


@dataclass
class HouseholdContext:
    """Everything the criteria need about one household, read once from the database."""

    pk: int
    adults: int
    children: int
    today: dt.date
    monthly_resources: float | None = None
    rac_before: float | None = None  # rent + charges - APL - RLS before rehousing
    aid_before: float | None = None  # APL + RLS before rehousing
    reduced_mobility: bool = False
    needs_ground_floor_or_lift: bool = False
    needs_lift: bool = False
    max_floor: int | None = None
    max_residual_rent: float | None = None
    demolition_date: dt.date | None = None
    census_date: dt.date | None = None
    wish_communes: tuple[int, ...] = ()  # commune ids, by rank
    wish_commune_names: tuple[str, ...] = ()
    wish_rooms: frozenset[int] = frozenset()
    housing_kind: str = ""  # "maison", "appartement" or "" (indifferent)
    age: str = ""  # "neuf", "ancien" or ""
    under_occupation_hard: bool = False
    project_id: int | None = None
    household: Any = None  # the model instance, for the benefits engine
    profile: Any = None  # benefits engine profile, computed once

    @property
    def persons(self) -> int:
        return max(1, self.adults + self.children)


def _ordinal(value: dt.date | None) -> float:
    return float(value.toordinal()) if value else np.nan


@dataclass
class OfferTable:
    """Candidate offers as columns (one row per offer)."""

    pk: np.ndarray
    reference: np.ndarray  # object
    commune_id: np.ndarray
    commune_name: np.ndarray  # object
    insee_code: np.ndarray  # object
    in_qpv: np.ndarray
    rooms: np.ndarray
    living_area: np.ndarray
    floor: np.ndarray
    has_lift: np.ndarray
    accessible: np.ndarray
    is_house: np.ndarray
    rent: np.ndarray
    charges: np.ndarray
    commissioning: np.ndarray  # date ordinals, nan when unknown
    available_from: np.ndarray  # date ordinals
    zone: np.ndarray | None = None  # APL zone (0 when unknown); defaults to zeros
    stock: np.ndarray | None = None  # object: benefits.stock.StockKind values; defaults to social
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.zone is None:
            self.zone = np.zeros(len(self.pk), dtype=np.int64)
        if self.stock is None:
            self.stock = np.full(len(self.pk), "social", dtype=object)

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "reference",
        "commune_id",
        "commune_name",
        "insee_code",
        "in_qpv",
        "rooms",
        "living_area",
        "floor",
        "has_lift",
        "accessible",
        "is_house",
        "rent",
        "charges",
        "commissioning",
        "available_from",
        "zone",
        "stock",
    )

    def __len__(self) -> int:
        return len(self.pk)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> OfferTable:
        """Rows are dicts with the column names; dates as ``date`` (commissioning may be None)."""
        return cls(
            pk=np.array([r["pk"] for r in rows], dtype=np.int64),
            reference=np.array([r.get("reference", "") for r in rows], dtype=object),
            commune_id=np.array([r["commune_id"] for r in rows], dtype=np.int64),
            commune_name=np.array([r.get("commune_name", "") for r in rows], dtype=object),
            insee_code=np.array([r.get("insee_code", "") for r in rows], dtype=object),
            in_qpv=np.array([bool(r["in_qpv"]) for r in rows], dtype=bool),
            rooms=np.array([r["rooms"] for r in rows], dtype=np.int64),
            living_area=np.array([float(r["living_area"]) for r in rows], dtype=float),
            floor=np.array([r["floor"] for r in rows], dtype=np.int64),
            has_lift=np.array([bool(r["has_lift"]) for r in rows], dtype=bool),
            accessible=np.array([bool(r["accessible"]) for r in rows], dtype=bool),
            is_house=np.array([bool(r["is_house"]) for r in rows], dtype=bool),
            rent=np.array([float(r["rent"]) for r in rows], dtype=float),
            charges=np.array([float(r["charges"]) for r in rows], dtype=float),
            commissioning=np.array([_ordinal(r.get("commissioning")) for r in rows], dtype=float),
            available_from=np.array([_ordinal(r["available_from"]) for r in rows], dtype=float),
            zone=np.array([r.get("zone") or 0 for r in rows], dtype=np.int64),
            stock=np.array([r.get("stock") or "social" for r in rows], dtype=object),
        )

    def take(self, indices) -> OfferTable:
        idx = np.asarray(indices, dtype=np.int64)
        return OfferTable(**{name: getattr(self, name)[idx] for name in self.COLUMNS})


class Criterion:
    """Base class. Subclasses set the class attributes and implement ``assess`` and ``explain``.

    ``hard``: the criterion may exclude an offer. ``scored``: it contributes a soft score, weighted by
    the project's ``matching_weights`` (``default_weight`` otherwise). ``sensitive``: the explanation
    reveals resources; users who may not see them get ``generic_reason`` instead.
    """

    id: ClassVar[str]
    label: ClassVar[str]
    hard: ClassVar[bool] = False
    scored: ClassVar[bool] = True
    default_weight: ClassVar[float] = 1.0
    needs_residual_rent: ClassVar[bool] = False
    sensitive: ClassVar[bool] = False
    rule: ClassVar[str] = ""  # one line for docs/matching.md and the weights page
    order: ClassVar[int] = 100  # position in explanations

    def is_hard_for(self, hh: HouseholdContext) -> bool:
        return self.hard

    def assess(self, hh: HouseholdContext, offers: OfferTable, rac: np.ndarray) -> Assessment:
        raise NotImplementedError

    def explain(
        self, hh: HouseholdContext, offers: OfferTable, i: int, rac: float, excluded: bool, score: float
    ) -> str:
        raise NotImplementedError

    def prefilter(self, hh: HouseholdContext):
        """An optional ``Q`` on ``HousingOffer`` equivalent to (or looser than) the hard filter."""
        return None

    def household_prefilter(self, offers: OfferTable, i: int = 0):
        """The other way round: an optional ``Q`` on ``Household`` keeping the households the hard filter
        does not exclude for offer ``i`` (equivalent or looser; the offer → households page)."""
        return None

    def generic_reason(self, excluded: bool, score: float) -> str:
        if excluded:
            return f"Critère bloquant non satisfait : {self.label.lower()}."
        return f"{self.label} : adéquation {format_percent(score, 0)}."

    def evaluate(
        self, hh: HouseholdContext, offers: OfferTable, i: int = 0, rac: float = np.nan, weight: float = 0.0
    ) -> Verdict:
        one = offers.take([i])
        result = self.assess(hh, one, np.array([rac], dtype=float))
        excluded = bool(result.excluded[0])
        score = float(result.score[0])
        return Verdict(
            criterion_id=self.id,
            label=self.label,
            hard=self.is_hard_for(hh),
            excluded=excluded,
            score=score,
            reason=self.explain(hh, one, 0, rac, excluded, score),
            weight=weight,
            scored=self.scored,
        )


def all_true(n: int) -> np.ndarray:
    return np.ones(n, dtype=bool)


def none_excluded(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def ones(n: int) -> np.ndarray:
    return np.ones(n, dtype=float)


def fmt_date(ordinal: float) -> str:
    if ordinal != ordinal:  # nan
        return "date inconnue"
    return dt.date.fromordinal(int(ordinal)).strftime("%d/%m/%Y")


def fmt_m2(value: float) -> str:
    return f"{format_number(value, 0)}\u00a0m²"


__all__ = [
    "Assessment",
    "Criterion",
    "HouseholdContext",
    "OfferTable",
    "Verdict",
    "all_true",
    "fmt_date",
    "fmt_m2",
    "format_euros",
    "format_percent",
    "none_excluded",
    "ones",
]
