"""The kinds of rented dwelling the housing-benefit rules tell apart (an offer's *stock kind*)."""

from django.db import models


class StockKind(models.TextChoices):
    SOCIAL = "social", "Logement social conventionné"
    PRIVATE_UNFURNISHED = "prive_vide", "Parc privé, location vide"
    PRIVATE_FURNISHED = "prive_meuble", "Parc privé, location meublée"
    FOYER = "foyer", "Foyer ou résidence sociale"
