"""The rehousing record: where a household went (temporary or definitive), and on what terms."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from relogement.households.querysets import HouseholdChildQuerySet
from relogement.projects.models import DwellingType


class RehousingQuerySet(HouseholdChildQuerySet):
    def current(self):
        """The records not superseded by a later rehousing of the same household."""
        return self.filter(superseded_on__isnull=True)


class RehousingKind(models.TextChoices):
    DEFINITIVE = "definitive", "Définitif"
    TEMPORARY = "temporary", "Provisoire"


class HousingStock(models.TextChoices):
    SOCIAL = "social", "Parc social"
    PRIVATE = "prive", "Parc privé"
    OWNERSHIP = "accession", "Accession"
    INSTITUTION = "structure", "Structure"


class Rehousing(models.Model):
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="rehousings")
    kind = models.CharField("nature", max_length=12, choices=RehousingKind.choices)
    proposal = models.OneToOneField(
        "offers.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="rehousing"
    )
    offer = models.OneToOneField(
        "offers.HousingOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rehousing",
        help_text="Une offre n'est louée qu'à un seul ménage.",
    )
    move_in_date = models.DateField("date d'emménagement")
    landlord = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    landlord_name = models.CharField("bailleur", max_length=200, blank=True)
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("adresse", max_length=250, blank=True)
    in_qpv = models.BooleanField("en QPV", null=True)
    housing_stock = models.CharField(
        "parc", max_length=12, choices=HousingStock.choices, default=HousingStock.SOCIAL
    )
    commissioning_date = models.DateField(
        "date de mise en service ou de conventionnement", null=True, blank=True
    )
    dwelling_type = models.CharField("typologie", max_length=2, choices=DwellingType.choices, blank=True)
    living_area = models.DecimalField("surface (m²)", max_digits=6, decimal_places=2, null=True, blank=True)
    rent = models.DecimalField("loyer (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    charges = models.DecimalField("charges (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    apl = models.DecimalField("APL (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    rls = models.DecimalField("RLS (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    rent_reduction_payment = models.BooleanField("indemnité pour minoration de loyer (ANRU)", null=True)
    rent_reduction_note = models.TextField(
        "justification de l'indemnité pour minoration de loyer", blank=True
    )
    right_to_return = models.BooleanField(
        "droit au retour sur site",
        default=False,
        help_text="Relogement provisoire sur un projet qui accorde le droit au retour.",
    )
    # A file reopened after closure and rehoused again keeps its previous record: the new one supersedes
    # it (docs/lifecycle.md, "Rehousing record rule"). Only the current record (not superseded) counts
    # in the indicators, the follow-ups and the exports.
    superseded_on = models.DateField("remplacé le", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name="remplacé par",
    )
    history = HistoricalRecords()

    objects = RehousingQuerySet.as_manager()

    class Meta:
        verbose_name = "relogement"
        ordering = ["household", "move_in_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(kind="definitive", superseded_on__isnull=True),
                name="one_definitive_rehousing_per_household",
            )
        ]
        indexes = [
            # The follow-up milestones due (followup.selectors): current definitive rehousings by move-in
            # date, a range instead of a scan of every rehousing.
            models.Index(
                fields=["move_in_date", "household"],
                condition=Q(kind="definitive", superseded_on__isnull=True),
                name="rehousing_current_definitive",
            )
        ]
