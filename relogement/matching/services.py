"""Writes of the decision support: the project's criteria weights."""

from __future__ import annotations

import math

from django.db import transaction

from relogement.core.errors import DomainError
from relogement.matching import registry
from relogement.projects.models import Project

MAX_WEIGHT = 100


def validate_weights(weights: dict, options: dict | None = None) -> dict:
    """The JSON stored in ``Project.matching_weights``; raises DomainError (French) on bad input."""
    known = registry.default_weights()
    clean: dict = {}
    for key, value in weights.items():
        if key not in known:
            raise DomainError(f"Critère inconnu : « {key} ».")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise DomainError(f"Le poids du critère « {registry.get(key).label} » doit être un nombre.")
        if value < 0 or value > MAX_WEIGHT:
            raise DomainError(
                f"Le poids du critère « {registry.get(key).label} » doit être compris entre 0 et {MAX_WEIGHT}."
            )
        clean[key] = float(value)
    if clean and not any(value > 0 for value in clean.values()):
        raise DomainError("Au moins un critère doit avoir un poids strictement positif.")
    for key, value in (options or {}).items():
        if key not in registry.OPTIONS or not isinstance(value, bool):
            raise DomainError(f"Réglage inconnu ou invalide : « {key} ».")
        clean[key] = value
    return clean


@transaction.atomic
def project_set_matching_weights(
    *, project: Project, weights: dict, options: dict | None = None, actor
) -> Project:
    clean = validate_weights(weights, options)
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    project.matching_weights = clean
    project._change_reason = "Pondération des critères d'aide à la décision modifiée"
    project._history_user = actor
    project.save(update_fields=["matching_weights"])
    return project
