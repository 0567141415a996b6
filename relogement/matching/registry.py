"""The one place criteria are registered.

Each module of ``relogement.matching.criteria`` (except ``base``) declares its criteria with
``@register``; the modules are discovered here, so adding a criterion touches its own file and its test.
Order of the registry = order of the explanations (hard criteria first, then by module order).
"""

from __future__ import annotations

import importlib
import pkgutil

from relogement.matching.criteria.base import Criterion

_REGISTRY: dict[str, Criterion] = {}
_loaded = False

# Project options stored next to the weights in ``Project.matching_weights`` (not criteria).
OPTIONS: dict[str, bool] = {"under_occupation_hard": False}


def register(cls: type[Criterion]) -> type[Criterion]:
    if cls.id in _REGISTRY and type(_REGISTRY[cls.id]) is not cls:
        raise ValueError(f"Critère déjà enregistré : {cls.id}")
    _REGISTRY[cls.id] = cls()
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    from relogement.matching import criteria

    for module in sorted(pkgutil.iter_modules(criteria.__path__), key=lambda m: m.name):
        if module.name != "base":
            importlib.import_module(f"{criteria.__name__}.{module.name}")
    _loaded = True


def all_criteria() -> list[Criterion]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda c: (getattr(c, "order", 100), c.id))


def get(criterion_id: str) -> Criterion:
    _load()
    return _REGISTRY[criterion_id]


def scored_criteria() -> list[Criterion]:
    return [c for c in all_criteria() if c.scored]


def default_weights() -> dict[str, float]:
    return {c.id: float(c.default_weight) for c in scored_criteria()}


def weights_for(project) -> dict[str, float]:
    """The project's weights for every scored criterion (defaults where the project says nothing)."""
    weights = default_weights()
    stored = (project.matching_weights if project is not None else None) or {}
    for key, value in stored.items():
        if key in weights and isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            weights[key] = float(value)
    return weights


def options_for(project) -> dict[str, bool]:
    options = dict(OPTIONS)
    stored = (project.matching_weights if project is not None else None) or {}
    for key in OPTIONS:
        if isinstance(stored.get(key), bool):
            options[key] = stored[key]
    return options
