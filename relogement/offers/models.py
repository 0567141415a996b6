"""Housing offers pooled at metropolitan scale, refusal reasons, and rehousing proposals."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from relogement.benefits.stock import StockKind
from relogement.households.search import folded
from relogement.offers.querysets import HousingOfferQuerySet, ProposalQuerySet
from relogement.projects.models import DwellingType


class Financing(models.TextChoices):
    PLAI = "PLAI", "PLAI"
    PLUS = "PLUS", "PLUS"
    PLS = "PLS", "PLS"
    PRIVATE = "prive", "Parc privé"


class OfferStatus(models.TextChoices):
    AVAILABLE = "available", "Disponible"
    POSITIONED = "positioned", "Positionnée"
    RESERVED = "reserved", "Réservée"
    LET = "let", "Louée"
    WITHDRAWN = "withdrawn", "Retirée"


class HousingOffer(models.Model):
    landlord = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="offers", verbose_name="bailleur"
    )
    reference = models.CharField("référence", max_length=60, blank=True)
    address = models.CharField("adresse", max_length=250)
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="offers")
    in_qpv = models.BooleanField("en QPV", default=False)
    dwelling_type = models.CharField("typologie", max_length=2, choices=DwellingType.choices)
    living_area = models.DecimalField("surface habitable (m²)", max_digits=6, decimal_places=2)
    floor = models.SmallIntegerField("étage", default=0)
    has_lift = models.BooleanField("ascenseur", default=False)
    accessible = models.BooleanField("accessible PMR", default=False)
    is_house = models.BooleanField("maison individuelle", default=False)
    rent = models.DecimalField("loyer (€)", max_digits=8, decimal_places=2)
    charges = models.DecimalField("charges (€)", max_digits=8, decimal_places=2)
    financing = models.CharField("financement", max_length=6, choices=Financing.choices)
    # What the housing-benefit rules need (docs/benefits.md): APL and RLS in conventioned social
    # housing, AL without RLS in the private stock (2/3 of a furnished rent), APL-foyer in a foyer.
    stock_kind = models.CharField(
        "type de logement (aides au logement)",
        max_length=12,
        choices=StockKind.choices,
        default=StockKind.SOCIAL,
        help_text="Décide du calcul des aides : APL et RLS seulement en logement social conventionné.",
    )
    commissioning_date = models.DateField(
        "date de mise en service ou de conventionnement", null=True, blank=True
    )
    reservation_holder = models.CharField("réservataire", max_length=200, blank=True)
    available_from = models.DateField("disponible à partir du")
    status = models.CharField(
        "statut", max_length=12, choices=OfferStatus.choices, default=OfferStatus.AVAILABLE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = HousingOfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de logement"
        verbose_name_plural = "offres de logement"
        ordering = ["available_from", "pk"]
        indexes = [
            models.Index(fields=["status", "available_from"]),
            # The list's order: its first page read from the index instead of sorting every visible offer
            # (30,000: 30 ms).
            models.Index(fields=["available_from", "id"], name="offers_offer_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.dwelling_type} — {self.address}"


class RefusalReasonQuerySet(models.QuerySet):
    def in_display_order(self):
        """Alphabetical, accents and case aside (« État du logement » among the E, not after the Z as
        a byte order puts it), « Autre » (code ``autre`` or a label starting with « Autre ») last: the
        catch-all comes after the reasons it stands in for, as on every French form."""
        catch_all = models.Q(code="autre") | models.Q(label__istartswith="autre")
        return self.annotate(
            catch_all=models.Case(
                models.When(catch_all, then=1), default=0, output_field=models.IntegerField()
            )
        ).order_by("catch_all", folded("label"), "label", "pk")


class RefusalReason(models.Model):
    """Configurable list; the label is copied onto each refusal so renaming never rewrites history."""

    objects = RefusalReasonQuerySet.as_manager()

    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("libellé", max_length=200)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "motif de refus"
        verbose_name_plural = "motifs de refus"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class ProposalStatus(models.TextChoices):
    POSITIONED = "positioned", "Positionné"
    PROPOSED = "proposed", "Proposition notifiée"
    ACCEPTED = "accepted", "Acceptée par le ménage"
    REFUSED = "refused", "Refusée par le ménage"
    WITHDRAWN = "withdrawn", "Retirée"
    COMMISSION_ALLOCATED = "allocated", "Attribuée en CALEOL"
    COMMISSION_REJECTED = "rejected", "Refusée en CALEOL"
    COMMISSION_POSTPONED = "postponed", "Ajournée en CALEOL"
    LEASE_SIGNED = "lease_signed", "Bail signé"
    MOVED_IN = "moved_in", "Emménagé"


class Answer(models.TextChoices):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "acceptee", "Acceptée"
    REFUSED = "refusee", "Refusée"


class CommissionDecision(models.TextChoices):
    ALLOCATED = "allocated", "Attribution"
    REJECTED = "rejected", "Refus d'attribution"
    POSTPONED = "postponed", "Ajournement"


class Proposal(models.Model):
    """A household positioned on, then proposed, a dwelling.

    The dwelling's characteristics are copied from the offer when the proposal is notified (and are the
    only record for proposals imported from a partner's file, which have no offer).
    """

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="proposals")
    offer = models.ForeignKey(
        HousingOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    status = models.CharField(
        "état", max_length=14, choices=ProposalStatus.choices, default=ProposalStatus.POSITIONED
    )
    positioned_at = models.DateTimeField("positionné le", auto_now_add=True)
    positioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Snapshot of the dwelling.
    landlord_name = models.CharField("bailleur", max_length=200, blank=True)
    commune = models.ForeignKey(
        "territory.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dwelling_type = models.CharField("typologie", max_length=2, choices=DwellingType.choices, blank=True)
    living_area = models.DecimalField("surface (m²)", max_digits=6, decimal_places=2, null=True, blank=True)
    rent = models.DecimalField("loyer (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    charges = models.DecimalField("charges (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    in_qpv = models.BooleanField("en QPV", null=True, blank=True)
    # The offer's stock kind, copied at notification; from a partner's file (column ``type_logement``).
    # Empty: not stated (the offer's, else conventioned social housing, docs/exchange-format.md).
    stock_kind = models.CharField(
        "type de logement (aides au logement)", max_length=12, choices=StockKind.choices, blank=True
    )
    # Proposal and answer.
    notified_date = models.DateField("date de notification", null=True, blank=True)
    visit_date = models.DateField("date de visite", null=True, blank=True)
    answer_deadline = models.DateField("date limite de réponse", null=True, blank=True)
    answer = models.CharField("réponse", max_length=12, choices=Answer.choices, default=Answer.PENDING)
    answer_date = models.DateField("date de réponse", null=True, blank=True)
    refusal_reason = models.ForeignKey(
        RefusalReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_reason_text = models.CharField("motif de refus", max_length=250, blank=True)
    is_compliant = models.BooleanField(
        "offre conforme (art. 13 bis loi 1948)",
        null=True,
        blank=True,
        help_text="Une offre conforme aux besoins et possibilités du ménage compte pour le droit au maintien dans les lieux.",
    )
    # Allocation commission (CALEOL), lease, move.
    commission_date = models.DateField("date de CALEOL", null=True, blank=True)
    compliance_note = models.TextField(
        "justification de la conformité",
        blank=True,
        help_text="Contrôle proposé par défaut (typologie et composition, loyer et ressources), modifiable.",
    )
    commission_decision = models.CharField(
        "décision CALEOL", max_length=12, choices=CommissionDecision.choices, blank=True
    )
    lease_date = models.DateField("date de signature du bail", null=True, blank=True)
    move_in_date = models.DateField("date d'emménagement", null=True, blank=True)
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition de relogement"
        verbose_name_plural = "propositions de relogement"
        ordering = ["household", "notified_date", "pk"]
        indexes = [
            models.Index(fields=["notified_date"]),
            models.Index(fields=["answer"]),
            # A landlord's scope holds the households positioned on its offers: read from this index
            # alone (every page that lists or fetches its households evaluates it).
            models.Index(fields=["offer", "household"], name="offers_prop_offer_household"),
            # The proposals still awaiting the household's answer, oldest first (alerts.rules: stalled
            # proposals, on every home page): a few hundred among a metropolis's hundred thousand.
            models.Index(
                fields=["notified_date", "id"],
                condition=models.Q(status="proposed", answer="en_attente"),
                name="offers_prop_pending_notified",
            ),
            # The legal-deadline alerts start from the refused compliant proposals notified in a few
            # months' window (alerts.rules._legal_deadlines).
            models.Index(
                fields=["notified_date", "household"],
                condition=models.Q(is_compliant=True, answer="refusee"),
                name="offers_prop_refused_compliant",
            ),
        ]


class ProposalTransition(models.Model):
    # PROTECT: the log is evidence, so deleting a proposal (or its household) never erases it silently.
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=14, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ProposalStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "transition de proposition"
        ordering = ["proposal", "created_at", "pk"]
