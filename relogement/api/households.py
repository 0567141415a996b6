"""Households: the scoped list (filters, pages) and one file, with exactly the fields of the pages.

The list's fields follow the role (``can_view_names``, ``can_list_resources``: the household list's
columns); the file's follow ``households.visibility.visibility_for``, the page's own rules, and the
social notes ``can_view_social_note``. A field the organisation may not see is **absent** from the
answer (never an empty value, which would read as "unknown"). Every answer showing named data is
written to the read log.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from relogement.api.base import ApiViewSet, log_household_list_read, log_household_read
from relogement.api.fields import ID, HiddenFieldsSerializer, IdParameter, Insee
from relogement.households import selectors
from relogement.households.models import (
    EmploymentSituation,
    HouseholdType,
    OccupancyStatus,
    Relation,
    ResourceKind,
    SupportEntryKind,
    SupportLevel,
)
from relogement.households.statuses import REPORTING_STATUS, ExitReason, HouseholdStatus, ReportingStatus
from relogement.households.visibility import visibility_for
from relogement.permissions import predicates
from relogement.projects.models import DwellingType

READ_LIST = "API liste des ménages"


def _money(source: str, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=9, decimal_places=2, allow_null=True, **kwargs)


class HouseholdSummarySerializer(HiddenFieldsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    pseudonyme = serializers.CharField(source="pseudonym")
    nom = serializers.CharField(
        source="reference_name", required=False, help_text="Nom du ménage (rôles ayant accès aux noms)"
    )
    projet = serializers.IntegerField(source="project_id")
    batiment = serializers.IntegerField(source="building_id")
    statut = serializers.ChoiceField(source="status", choices=HouseholdStatus.choices)
    statut_libelle = serializers.CharField(source="get_status_display")
    statut_rapport = serializers.SerializerMethodField()
    motif_sortie = serializers.ChoiceField(
        source="exit_reason", choices=ExitReason.choices, allow_blank=True, help_text="Vide sauf sortie"
    )
    date_recensement = serializers.DateField(source="census_date")
    type_menage = serializers.ChoiceField(
        source="household_type", choices=HouseholdType.choices, allow_blank=True
    )
    nb_adultes = serializers.IntegerField(source="adults_count")
    nb_enfants = serializers.IntegerField(source="children_count")
    ressources_mensuelles = _money(
        "monthly_resources", required=False, help_text="Rôles ayant accès aux ressources"
    )
    prestataire_social = serializers.IntegerField(source="social_provider_id", allow_null=True)
    referent = serializers.CharField(allow_null=True, help_text="Travailleur social référent")
    modifie_le = serializers.DateTimeField(source="updated_at")

    @extend_schema_field(
        serializers.ChoiceField(
            choices=ReportingStatus.choices, help_text="Statut du format d'échange et des indicateurs"
        )
    )
    def get_statut_rapport(self, household) -> str:
        return str(REPORTING_STATUS[household.status])

    def hidden_fields(self, household) -> set[str]:
        user = self.context["request"].user
        hidden = set()
        if not predicates.can_view_names(user, household):
            hidden.add("nom")
        if not predicates.can_list_resources(user):
            hidden.add("ressources_mensuelles")
        return hidden


class MemberSerializer(HiddenFieldsSerializer):
    prenom = serializers.CharField(source="first_name")
    nom = serializers.CharField(source="last_name")
    lien = serializers.ChoiceField(source="relation", choices=Relation.choices)
    date_naissance = serializers.DateField(source="birth_date", allow_null=True, required=False)
    situation_professionnelle = serializers.ChoiceField(
        source="employment", choices=EmploymentSituation.choices, allow_blank=True, required=False
    )

    def hidden_fields(self, member) -> set[str]:
        return (
            set() if self.context["vis"].member_details else {"date_naissance", "situation_professionnelle"}
        )


class ResourceLineSerializer(serializers.Serializer):
    nature = serializers.ChoiceField(source="kind", choices=ResourceKind.choices)
    montant_mensuel = serializers.DecimalField(source="monthly_amount", max_digits=9, decimal_places=2)


class OriginDwellingSerializer(serializers.Serializer):
    typologie = serializers.ChoiceField(
        source="origin_dwelling_type", choices=DwellingType.choices, allow_blank=True
    )
    surface = serializers.DecimalField(
        source="origin_living_area", max_digits=6, decimal_places=2, allow_null=True
    )
    etage = serializers.IntegerField(source="origin_floor", allow_null=True)
    date_entree = serializers.DateField(source="tenancy_start", allow_null=True)


class OriginCostsSerializer(serializers.Serializer):
    loyer = _money("rent_before")
    charges = _money("charges_before")
    apl = _money("apl_before")
    rls = _money("rls_before")


class NeedsSerializer(serializers.Serializer):
    pmr = serializers.BooleanField(source="reduced_mobility")
    rdc_ou_ascenseur = serializers.BooleanField(source="needs_ground_floor_or_lift")
    famille_nombreuse = serializers.BooleanField(source="large_family")
    animaux = serializers.BooleanField(source="has_pets")
    logement_specialement_adapte = serializers.BooleanField(source="specially_designed_dwelling")


class WishedLocationSerializer(serializers.Serializer):
    rang = serializers.IntegerField(source="rank")
    commune_insee = serializers.CharField(source="commune.insee_code")
    commune = serializers.CharField(source="commune.name")
    quartier = serializers.CharField(source="neighbourhood")


class WishesSerializer(serializers.Serializer):
    typologies = serializers.ListField(source="dwelling_types", child=serializers.CharField())
    maison_ou_appartement = serializers.CharField(
        source="housing_kind", help_text="maison, appartement ou vide"
    )
    neuf_ou_ancien = serializers.CharField(source="age", help_text="neuf, ancien ou vide")
    etage_maximal = serializers.IntegerField(source="max_floor", allow_null=True)
    ascenseur_necessaire = serializers.BooleanField(source="needs_lift")
    reste_a_charge_maximal = _money("max_residual_rent")
    localisations = WishedLocationSerializer(source="locations.all", many=True)


class StatusChangeSerializer(serializers.Serializer):
    date_effet = serializers.DateField(source="effective_date")
    statut_avant = serializers.ChoiceField(
        source="from_status", choices=HouseholdStatus.choices, allow_blank=True
    )
    statut_apres = serializers.ChoiceField(source="to_status", choices=HouseholdStatus.choices)
    motif = serializers.CharField(source="reason")
    par = serializers.CharField(source="actor", allow_null=True)


class DiagnosisSerializer(HiddenFieldsSerializer):
    date = serializers.DateField()
    conclusions = serializers.CharField(required=False, help_text="Bureau d'étude et prestataire assigné")
    constats = serializers.CharField(source="findings", required=False, help_text="Note sociale")
    dette_locative = serializers.BooleanField(source="rent_arrears", required=False)
    autres_dettes = serializers.BooleanField(source="debts", required=False)
    niveau_accompagnement = serializers.ChoiceField(
        source="support_level", choices=SupportLevel.choices, allow_blank=True, required=False
    )

    def hidden_fields(self, diagnosis) -> set[str]:
        vis, user = self.context["vis"], self.context["request"].user
        hidden = set() if vis.diagnosis_conclusions else {"conclusions"}
        if not (vis.diagnosis_findings and _holds(user, diagnosis.household, diagnosis)):
            hidden |= {"constats", "dette_locative", "autres_dettes", "niveau_accompagnement"}
        return hidden


class SupportEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    type = serializers.ChoiceField(source="kind", choices=SupportEntryKind.choices)
    resume = serializers.CharField(source="summary")


class NextStepSerializer(serializers.Serializer):
    action = serializers.CharField(source="title")
    echeance = serializers.DateField(source="due_date")
    realisee_le = serializers.DateField(source="done_on", allow_null=True)


def _holds(user, household, note) -> bool:
    """The social note (diagnosis, support-log entry) is one the user's organisation may read."""
    return predicates.can_view_social_note(user, household, note)


class HouseholdFileSerializer(HouseholdSummarySerializer):
    projet_code = serializers.CharField(source="project.code")
    batiment_reference = serializers.CharField(source="building.reference")
    commune_insee = serializers.CharField(source="building.commune.insee_code")
    age_referent = serializers.IntegerField(source="reference_age", allow_null=True, required=False)
    numero_sne = serializers.CharField(source="sne_number", required=False)
    date_notice_information = serializers.DateField(source="information_notice_date", allow_null=True)
    statut_occupation = serializers.ChoiceField(
        source="occupancy_status",
        choices=OccupancyStatus.choices,
        help_text="Statut d'occupation du logement d'origine (parc social, parc privé, sans titre…)",
    )
    logement_origine = OriginDwellingSerializer(source="*")
    couts_origine = OriginCostsSerializer(
        source="*", required=False, help_text="Loyer, charges, APL, RLS avant"
    )
    besoins = NeedsSerializer(source="*")
    membres = MemberSerializer(source="members.all", many=True, required=False)
    ressources = ResourceLineSerializer(source="resources.all", many=True, required=False)
    souhaits = serializers.SerializerMethodField()
    historique_statuts = StatusChangeSerializer(source="status_changes.all", many=True)
    diagnostics = DiagnosisSerializer(source="diagnoses.all", many=True, required=False)
    journal = serializers.SerializerMethodField(help_text="Journal d'accompagnement (note sociale)")
    note_sante = serializers.CharField(source="health_note", required=False, help_text="Note sensible")
    prochaines_etapes = NextStepSerializer(source="next_steps.all", many=True, required=False)

    @extend_schema_field(WishesSerializer(allow_null=True))
    def get_souhaits(self, household):
        wishes = getattr(household, "wishes", None)  # no row yet: the reverse accessor raises
        return WishesSerializer(wishes).data if wishes is not None else None

    @extend_schema_field(SupportEntrySerializer(many=True))
    def get_journal(self, household):
        user = self.context["request"].user
        return SupportEntrySerializer(
            [e for e in household.support_log.all() if _holds(user, household, e)], many=True
        ).data

    def hidden_fields(self, household) -> set[str]:
        vis = self.context["vis"]
        hidden = {"nom"} if not vis.names else set()
        rules = {
            ("age_referent", "numero_sne", "membres"): vis.names,
            ("ressources", "ressources_mensuelles"): vis.resources,
            ("couts_origine",): vis.origin_costs,
            ("diagnostics",): vis.diagnosis_any,
            ("journal",): vis.support_log,
            ("note_sante",): vis.health,
            ("prochaines_etapes",): vis.next_steps,
        }
        for names, visible in rules.items():
            if not visible:
                hidden.update(names)
        return hidden


class HouseholdQuery(serializers.Serializer):
    projet = ID(required=False, help_text="Identifiant du projet")
    batiment = ID(required=False, help_text="Identifiant du bâtiment")
    statut = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
    commune = Insee(required=False, help_text="Code INSEE de la commune d'origine")
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Référence ou pseudonyme ; aussi le nom pour les rôles ayant accès aux noms",
    )
    modifie_depuis = serializers.DateTimeField(
        required=False, help_text="Ménages dont la fiche a changé depuis (ISO 8601)"
    )


@extend_schema_view(
    list=extend_schema(
        summary="Ménages du périmètre",
        description="Les champs suivent le rôle de l'organisation du jeton, comme la liste des ménages.",
        parameters=[HouseholdQuery],
        responses=HouseholdSummarySerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="La fiche d'un ménage",
        description="Les rubriques suivent les règles de la page du ménage ; une rubrique non "
        "communiquée à l'organisation est absente.",
        parameters=[IdParameter("Identifiant du ménage")],
        responses=HouseholdFileSerializer,
    ),
)
class HouseholdViewSet(ApiViewSet):
    serializer_class = HouseholdSummarySerializer

    def list(self, request):
        query = self.query(HouseholdQuery)
        filters = selectors.HouseholdFilters(
            q=query.get("q", ""),
            project=query.get("projet"),
            building=query.get("batiment"),
            status=query.get("statut", ""),
        )
        households = selectors.household_filtered(user=request.user, filters=filters)
        if "commune" in query:
            households = households.filter(building__commune__insee_code=query["commune"])
        if "modifie_depuis" in query:
            households = households.filter(updated_at__gte=query["modifie_depuis"])
        page = self.paginate_queryset(
            households.select_related("referent").order_by("project_id", "reference", "pk")
        )
        log_household_list_read(request.user, [h.pk for h in page], READ_LIST)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        household = selectors.household_file(user=request.user, pk=pk)
        log_household_read(request.user, household)
        context = {**self.get_serializer_context(), "vis": visibility_for(request.user, household)}
        return Response(HouseholdFileSerializer(household, context=context).data)
