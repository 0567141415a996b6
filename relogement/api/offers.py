"""Housing offers (pooled: every operational role reads them) and refusal reasons.

A landlord publishes, updates and withdraws its own offers through ``offers.services``, the functions
behind the pages: same checks, same history. A role that may not write gets 403 with the reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from relogement.api.base import ApiViewSet
from relogement.api.fields import ID, IdParameter, Insee
from relogement.benefits.stock import StockKind
from relogement.offers import services
from relogement.offers.models import Financing, HousingOffer, OfferStatus, RefusalReason
from relogement.permissions import predicates
from relogement.permissions.scopes import organisation_of
from relogement.projects.models import DwellingType
from relogement.territory.models import Commune

NOT_A_LANDLORD = "Seul un bailleur peut publier une offre de logement."
NOT_THE_OWNER = "Seul le bailleur de l'offre peut la modifier ou la retirer."


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    bailleur = serializers.IntegerField(source="landlord_id")
    bailleur_nom = serializers.CharField(source="landlord.name")
    adresse = serializers.CharField(source="address")
    commune_insee = serializers.CharField(source="commune.insee_code")
    commune = serializers.CharField(source="commune.name")
    en_qpv = serializers.BooleanField(source="in_qpv")
    typologie = serializers.ChoiceField(source="dwelling_type", choices=DwellingType.choices)
    surface = serializers.DecimalField(source="living_area", max_digits=6, decimal_places=2)
    etage = serializers.IntegerField(source="floor")
    ascenseur = serializers.BooleanField(source="has_lift")
    accessible_pmr = serializers.BooleanField(source="accessible")
    maison = serializers.BooleanField(source="is_house")
    loyer = serializers.DecimalField(source="rent", max_digits=8, decimal_places=2)
    charges = serializers.DecimalField(max_digits=8, decimal_places=2)
    financement = serializers.ChoiceField(source="financing", choices=Financing.choices)
    type_logement = serializers.ChoiceField(
        source="stock_kind",
        choices=StockKind.choices,
        help_text="Type de logement pour les aides au logement : APL et RLS seulement en logement social "
        "conventionné, AL dans le parc privé, APL-foyer en foyer ou résidence sociale",
    )
    date_mise_en_service = serializers.DateField(source="commissioning_date", allow_null=True)
    reservataire = serializers.CharField(source="reservation_holder")
    disponible_le = serializers.DateField(source="available_from")
    statut = serializers.ChoiceField(source="status", choices=OfferStatus.choices)
    statut_libelle = serializers.CharField(source="get_status_display")
    cree_le = serializers.DateTimeField(source="created_at")


def _money(minimum: str, message: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(minimum),
        error_messages={"min_value": message},
        **kwargs,
    )


class OfferInputSerializer(serializers.Serializer):
    """What a landlord sends; the names are the output's. ``service_data`` speaks the service's."""

    reference = serializers.CharField(max_length=60, required=False, allow_blank=True)
    adresse = serializers.CharField(source="address", max_length=250)
    commune_insee = serializers.SlugRelatedField(
        source="commune",
        slug_field="insee_code",
        queryset=Commune.objects.all(),
        error_messages={"does_not_exist": "Commune inconnue : code INSEE « {value} »."},
    )
    en_qpv = serializers.BooleanField(source="in_qpv", required=False)
    typologie = serializers.ChoiceField(source="dwelling_type", choices=DwellingType.choices)
    surface = serializers.DecimalField(
        source="living_area",
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"min_value": "La surface habitable doit être positive."},
    )
    etage = serializers.IntegerField(source="floor", min_value=-5, max_value=99, required=False)
    ascenseur = serializers.BooleanField(source="has_lift", required=False)
    accessible_pmr = serializers.BooleanField(source="accessible", required=False)
    maison = serializers.BooleanField(source="is_house", required=False)
    loyer = _money("0", "Le loyer ne peut pas être négatif.", source="rent")
    charges = _money("0", "Les charges ne peuvent pas être négatives.")
    financement = serializers.ChoiceField(source="financing", choices=Financing.choices)
    type_logement = serializers.ChoiceField(
        source="stock_kind",
        choices=StockKind.choices,
        required=False,
        help_text="Par défaut (à la publication) : logement social conventionné",
    )
    date_mise_en_service = serializers.DateField(source="commissioning_date", required=False, allow_null=True)
    reservataire = serializers.CharField(
        source="reservation_holder", max_length=200, required=False, allow_blank=True
    )
    disponible_le = serializers.DateField(source="available_from")

    def service_data(self) -> dict:
        """The validated fields, named as ``offers.services.OFFER_FIELDS`` (only those sent)."""
        return {name: value for name, value in self.validated_data.items() if name in services.OFFER_FIELDS}


class WithdrawalSerializer(serializers.Serializer):
    motif = serializers.CharField(max_length=500, help_text="Motif du retrait (obligatoire)")


class OfferQuery(serializers.Serializer):
    statut = serializers.ChoiceField(choices=OfferStatus.choices, required=False)
    commune = Insee(required=False, help_text="Code INSEE de la commune de l'offre")
    typologie = serializers.ChoiceField(choices=DwellingType.choices, required=False)
    bailleur = ID(required=False, help_text="Identifiant du bailleur (le sien : ses offres)")
    disponible_avant = serializers.DateField(required=False, help_text="Disponibles au plus tard ce jour")


@extend_schema_view(
    list=extend_schema(
        summary="Offres de logement", parameters=[OfferQuery], responses=OfferSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="Une offre", parameters=[IdParameter("Identifiant de l'offre")], responses=OfferSerializer
    ),
    create=extend_schema(
        summary="Publier une offre (bailleur)",
        request=OfferInputSerializer,
        responses={201: OfferSerializer},
    ),
    partial_update=extend_schema(
        summary="Modifier une de ses offres (bailleur)",
        parameters=[IdParameter("Identifiant de l'offre")],
        request=OfferInputSerializer,
        responses=OfferSerializer,
    ),
)
class OfferViewSet(ApiViewSet):
    serializer_class = OfferSerializer

    def get_queryset(self):
        return (
            HousingOffer.objects.visible_to(self.request.user)
            .select_related("commune", "landlord")
            .order_by("available_from", "pk")
        )

    def list(self, request):
        query = self.query(OfferQuery)
        offers = self.get_queryset()
        for param, lookup in (
            ("statut", "status"),
            ("commune", "commune__insee_code"),
            ("typologie", "dwelling_type"),
            ("bailleur", "landlord_id"),
            ("disponible_avant", "available_from__lte"),
        ):
            if param in query:
                offers = offers.filter(**{lookup: query[param]})
        page = self.paginate_queryset(offers)
        return self.get_paginated_response(OfferSerializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(OfferSerializer(self.get_object()).data)

    @transaction.atomic
    def create(self, request):
        if not predicates.can_manage_offers(request.user):
            raise PermissionDenied(NOT_A_LANDLORD)
        data = OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_publish(actor=request.user, data=data.service_data())
        return Response(
            OfferSerializer(self.get_queryset().get(pk=offer.pk)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:offre", args=[offer.pk])},
        )

    def _own_offer(self) -> HousingOffer:
        offer = self.get_object()  # 404 outside the offers the organisation sees
        org = organisation_of(self.request.user)
        if not predicates.can_manage_offers(self.request.user) or offer.landlord_id != org.pk:
            raise PermissionDenied(NOT_THE_OWNER)
        return offer

    @transaction.atomic
    def partial_update(self, request, pk):
        offer = self._own_offer()
        data = OfferInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.offer_update(offer=offer, actor=request.user, data=data.service_data())
        return Response(OfferSerializer(self.get_queryset().get(pk=offer.pk)).data)

    @extend_schema(
        summary="Retirer une de ses offres (bailleur)",
        description="Les propositions en cours sur l'offre sont retirées avec elle.",
        parameters=[IdParameter("Identifiant de l'offre")],
        request=WithdrawalSerializer,
        responses=OfferSerializer,
    )
    @transaction.atomic
    def withdraw(self, request, pk):
        offer = self._own_offer()
        data = WithdrawalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.offer_withdraw(offer=offer, actor=request.user, reason=data.validated_data["motif"])
        return Response(OfferSerializer(self.get_queryset().get(pk=offer.pk)).data)


class RefusalReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField(source="label")
    actif = serializers.BooleanField(source="active", help_text="Proposé pour un nouveau refus")


@extend_schema_view(
    list=extend_schema(
        summary="Motifs de refus",
        description="La liste configurée ; un refus cite le code d'un motif actif.",
        responses=RefusalReasonSerializer(many=True),
    )
)
class RefusalReasonViewSet(ApiViewSet):
    serializer_class = RefusalReasonSerializer
    pagination_class = None  # a short configured list

    def list(self, request):
        reasons = RefusalReason.objects.in_display_order()
        return Response(RefusalReasonSerializer(reasons, many=True).data)
