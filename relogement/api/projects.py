"""Projects and buildings: the perimeter's structure (no personal data), read only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from relogement.api.base import ApiViewSet
from relogement.api.fields import ID, IdParameter, Insee
from relogement.permissions import predicates
from relogement.projects.models import Building, Project


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    nom = serializers.CharField(source="name")
    commune_insee = serializers.CharField(source="commune.insee_code")
    commune = serializers.CharField(source="commune.name")
    quartier = serializers.CharField(source="neighbourhood")
    niveau = serializers.CharField(source="level", help_text="PRIN ou PRIR (vide si inconnu)")
    phase = serializers.IntegerField(allow_null=True)
    date_approbation = serializers.DateField(source="approval_date", allow_null=True)
    fondement_offres = serializers.ChoiceField(
        source="offer_rule_basis", choices=Project._meta.get_field("offer_rule_basis").choices
    )
    nb_offres_requises = serializers.IntegerField(source="required_offers")
    delai_depart_mois = serializers.IntegerField(source="departure_delay_months")
    droit_au_retour = serializers.BooleanField(source="right_to_return")


class BuildingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    projet = serializers.IntegerField(source="project_id")
    operation = serializers.CharField(source="operation.name")
    nature_operation = serializers.CharField(source="operation.kind")
    adresse = serializers.CharField(source="address")
    commune_insee = serializers.CharField(source="commune.insee_code")
    commune = serializers.CharField(source="commune.name")
    bailleur = serializers.IntegerField(
        source="landlord_id", allow_null=True, help_text="Vide pour un bâtiment du parc privé"
    )
    bailleur_nom = serializers.CharField(source="landlord.name", allow_null=True)
    proprietaire_prive = serializers.SerializerMethodField(
        help_text="Propriétaire d'un bâtiment du parc privé (vide sinon, et pour la métropole : il peut "
        "nommer une personne)"
    )
    nb_logements = serializers.IntegerField(source="dwellings_count")
    date_demolition_prevue = serializers.DateField(source="planned_demolition_date", allow_null=True)
    date_demolition_effective = serializers.DateField(source="actual_demolition_date", allow_null=True)

    def get_proprietaire_prive(self, building) -> str:
        request = self.context.get("request")
        if request is None or not predicates.can_view_private_owner(request.user):
            return ""
        return building.private_owner


class ProjectQuery(serializers.Serializer):
    commune = Insee(required=False, help_text="Code INSEE de la commune du projet")


class BuildingQuery(serializers.Serializer):
    projet = ID(required=False, help_text="Identifiant du projet")
    bailleur = ID(required=False, help_text="Identifiant du bailleur")
    commune = Insee(required=False, help_text="Code INSEE de la commune du bâtiment")


@extend_schema_view(
    list=extend_schema(
        summary="Projets du périmètre", parameters=[ProjectQuery], responses=ProjectSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="Un projet", parameters=[IdParameter("Identifiant du projet")], responses=ProjectSerializer
    ),
)
class ProjectViewSet(ApiViewSet):
    serializer_class = ProjectSerializer

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related("commune").order_by("name", "pk")

    def list(self, request):
        filters = self.query(ProjectQuery)
        projects = self.get_queryset()
        if "commune" in filters:
            projects = projects.filter(commune__insee_code=filters["commune"])
        page = self.paginate_queryset(projects)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Bâtiments du périmètre", parameters=[BuildingQuery], responses=BuildingSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="Un bâtiment",
        parameters=[IdParameter("Identifiant du bâtiment")],
        responses=BuildingSerializer,
    ),
)
class BuildingViewSet(ApiViewSet):
    serializer_class = BuildingSerializer

    def get_queryset(self):
        return (
            Building.objects.visible_to(self.request.user)
            .select_related("commune", "landlord", "operation")
            .order_by("project_id", "reference", "pk")
        )

    def list(self, request):
        filters = self.query(BuildingQuery)
        buildings = self.get_queryset()
        if "projet" in filters:
            buildings = buildings.filter(project_id=filters["projet"])
        if "bailleur" in filters:
            buildings = buildings.filter(landlord_id=filters["bailleur"])
        if "commune" in filters:
            buildings = buildings.filter(commune__insee_code=filters["commune"])
        page = self.paginate_queryset(buildings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)
