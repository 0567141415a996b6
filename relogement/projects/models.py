"""Project structure: project (NPNRU site) → operations → buildings → origin dwellings."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.projects.querysets import BuildingQuerySet, ProjectQuerySet


class OfferRuleBasis(models.TextChoices):
    # The default: the rule follows each household's operation kind and occupancy status
    # (offers.offer_rules.applicable_rule). The other values are a project-wide override.
    LEGAL = "legale", "Règle légale selon l'opération et le statut d'occupation"
    ANRU = "anru", "Démolition ANRU (CCH L.442-6 II) : 3 offres"
    TOWN_PLANNING = "urbanisme", "Opération d'urbanisme (C. urb. L.314-1/2) : 2 offres"
    LOCAL_CHARTER = "charte", "Charte locale de relogement"


class DwellingType(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6 et plus"


def dwelling_rooms(dwelling_type: str) -> int:
    """Number of main rooms of a dwelling type (T6 means six or more)."""
    return int(dwelling_type[1:])


class Project(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200, unique=True)
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="projects")
    neighbourhood = models.CharField("quartier", max_length=200, blank=True)
    level = models.CharField("niveau", max_length=10, blank=True, help_text="PRIN ou PRIR")
    phase = models.PositiveSmallIntegerField("phase de convention", null=True, blank=True)
    approval_date = models.DateField("date d'approbation", null=True, blank=True)
    # Offer rules (DOMAIN.md §3): per project settings, never hard-coded.
    # "legale" (default): decided per household (docs/offer-rules.md); any other basis overrides it
    # for every household of the project with the two numbers below.
    offer_rule_basis = models.CharField(
        "fondement des offres", max_length=12, choices=OfferRuleBasis.choices, default=OfferRuleBasis.LEGAL
    )
    required_offers = models.PositiveSmallIntegerField(
        "nombre d'offres conformes",
        default=3,
        help_text="Appliqué à tous les ménages du projet quand le fondement n'est pas la règle légale.",
    )
    departure_delay_months = models.PositiveSmallIntegerField(
        "délai après notification de la dernière offre (mois)",
        default=6,
        help_text="Appliqué à tous les ménages du projet quand le fondement n'est pas la règle légale.",
    )
    right_to_return = models.BooleanField("droit au retour sur site", default=False)
    # Matching criteria weights (criterion id → weight), edited by the project office.
    matching_weights = models.JSONField("pondération des critères", default=dict, blank=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OperationKind(models.TextChoices):
    DEMOLITION = "demolition", "Démolition"
    HEAVY_RENOVATION = "requalification", "Requalification lourde"
    RESIDENTIALISATION = "residentialisation", "Résidentialisation"
    OTHER = "autre", "Autre"
    # Private degraded stock (no social landlord): rehousing under the Code de l'urbanisme L.314-1/2.
    RHI = "rhi", "Résorption de l'habitat insalubre (RHI)"
    OPAH = "opah", "OPAH (amélioration de l'habitat privé)"
    OPAH_RU = "opah_ru", "OPAH de renouvellement urbain (OPAH-RU)"
    DEGRADED_COOWNERSHIP = "copro_degradee", "Copropriété dégradée (plan de sauvegarde, ORCOD)"


# Operations on private degraded stock: their buildings usually have no social landlord.
PRIVATE_STOCK_KINDS = frozenset(
    {OperationKind.RHI, OperationKind.OPAH, OperationKind.OPAH_RU, OperationKind.DEGRADED_COOWNERSHIP}
)

NO_OWNER_MESSAGE = (
    "Indiquez le bailleur social du bâtiment ou, pour un bâtiment du parc privé, son propriétaire."
)


class Operation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="operations")
    name = models.CharField("nom", max_length=200)
    kind = models.CharField(
        "nature", max_length=20, choices=OperationKind.choices, default=OperationKind.DEMOLITION
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "opération"
        ordering = ["project", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="unique_operation_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Building(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="buildings")
    # Denormalised from the operation so that scoping and indicators need no extra join.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="buildings", editable=False)
    reference = models.CharField("référence", max_length=100)
    address = models.CharField("adresse", max_length=250, blank=True)
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="buildings")
    # Empty for private degraded stock (RHI, OPAH, copropriété dégradée): the owner is then recorded as
    # text (a person or a syndicate, not an organisation of the application). One of the two is required.
    landlord = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name="bailleur social",
    )
    private_owner = models.CharField(
        "propriétaire (parc privé)",
        max_length=250,
        blank=True,
        help_text="Propriétaire, bailleur privé ou syndicat de copropriété, quand le bâtiment n'a pas de bailleur social.",
    )
    dwellings_count = models.PositiveIntegerField("nombre de logements", default=0)
    planned_demolition_date = models.DateField("date de démolition prévue", null=True, blank=True)
    actual_demolition_date = models.DateField("date de démolition effective", null=True, blank=True)
    history = HistoricalRecords()

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = "bâtiment"
        ordering = ["project", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="unique_building_reference"),
            models.CheckConstraint(
                condition=models.Q(landlord__isnull=False) | ~models.Q(private_owner=""),
                name="building_landlord_or_private_owner",
                violation_error_message=NO_OWNER_MESSAGE,
            ),
        ]

    def clean(self):
        super().clean()
        self.private_owner = self.private_owner.strip()
        if self.landlord_id is None and not self.private_owner:
            # Next to the field a form shows (both fields empty: the message is about either).
            raise ValidationError({"private_owner": NO_OWNER_MESSAGE})

    def save(self, *args, **kwargs):
        self.project_id = self.operation.project_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.reference

    @property
    def is_private_stock(self) -> bool:
        """No social landlord: the building belongs to a private owner (docs/offer-rules.md)."""
        return self.landlord_id is None

    @property
    def owner_label(self) -> str:
        """Who owns the building, as pages and exports print it."""
        if self.landlord_id is not None:
            return self.landlord.name
        return f"{self.private_owner} (parc privé)"


class OriginDwelling(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="dwellings")
    reference = models.CharField("référence", max_length=100)
    dwelling_type = models.CharField("typologie", max_length=2, choices=DwellingType.choices, blank=True)
    living_area = models.DecimalField(
        "surface habitable (m²)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    floor = models.SmallIntegerField("étage", null=True, blank=True)
    has_lift = models.BooleanField("ascenseur", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "logement d'origine"
        verbose_name_plural = "logements d'origine"
        ordering = ["building", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["building", "reference"], name="unique_dwelling_reference")
        ]

    def __str__(self) -> str:
        return f"{self.building.reference} — {self.reference}"


ZERO = Decimal("0")
