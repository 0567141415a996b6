"""Proposals: read them (those of the households in the perimeter) and move them along their workflow.

Every write goes through ``offers.services`` and the table of ``offers.proposal_states``, as the
proposal page does: positioning, notification, the household's answer (a refusal cites a reason),
withdrawal, the CALEOL decision, the lease and the move-in. Outside the perimeter 404; an action the
role may not do 403 (the rule's French message); invalid input or a step the state machine refuses
400, nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from relogement.api.base import ApiViewSet, log_household_list_read
from relogement.api.fields import ID, HiddenFieldsSerializer, IdParameter
from relogement.benefits.stock import StockKind
from relogement.households.models import Household
from relogement.offers import proposal_states, services
from relogement.offers.models import (
    Answer,
    CommissionDecision,
    HousingOffer,
    Proposal,
    ProposalStatus,
    RefusalReason,
)
from relogement.permissions import predicates
from relogement.projects.models import DwellingType
from relogement.rehousing.models import HousingStock, RehousingKind

READ_LIST = "API propositions"
READ_ONE = "API proposition"

# The API endpoint of each action of the transition table.
ENDPOINTS = {
    "notify": "notification",
    "accept": "reponse",
    "refuse": "reponse",
    "withdraw": "retrait",
    "allocate": "caleol",
    "reject": "caleol",
    "postpone": "caleol",
    "sign_lease": "bail",
    "move_in": "emmenagement",
}
ENDPOINT_NAMES = sorted(set(ENDPOINTS.values()))
# The answers a household gives (pending is no answer).
ANSWERS = [choice for choice in Answer.choices if choice[0] != Answer.PENDING]


class TransitionSerializer(serializers.Serializer):
    de = serializers.ChoiceField(source="from_status", choices=ProposalStatus.choices, allow_blank=True)
    vers = serializers.ChoiceField(source="to_status", choices=ProposalStatus.choices)
    motif = serializers.CharField(source="reason")
    le = serializers.DateTimeField(source="created_at")
    par = serializers.CharField(source="actor", allow_null=True)


class ProposalSerializer(HiddenFieldsSerializer):
    id = serializers.IntegerField()
    offre = serializers.IntegerField(source="offer_id", allow_null=True)
    menage = serializers.IntegerField(source="household_id")
    menage_reference = serializers.CharField(source="household.reference")
    menage_pseudonyme = serializers.CharField(source="household.pseudonym")
    menage_nom = serializers.CharField(
        source="household.reference_name", required=False, help_text="Rôles ayant accès aux noms"
    )
    etat = serializers.ChoiceField(source="status", choices=ProposalStatus.choices)
    etat_libelle = serializers.CharField(source="get_status_display")
    positionne_le = serializers.DateTimeField(source="positioned_at")
    bailleur = serializers.CharField(source="landlord_name", help_text="Copié de l'offre à la notification")
    commune_insee = serializers.CharField(source="commune.insee_code", allow_null=True)
    typologie = serializers.ChoiceField(
        source="dwelling_type", choices=DwellingType.choices, allow_blank=True
    )
    surface = serializers.DecimalField(source="living_area", max_digits=6, decimal_places=2, allow_null=True)
    loyer = serializers.DecimalField(source="rent", max_digits=8, decimal_places=2, allow_null=True)
    charges = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    en_qpv = serializers.BooleanField(source="in_qpv", allow_null=True)
    type_logement = serializers.ChoiceField(
        source="stock_kind",
        choices=StockKind.choices,
        allow_blank=True,
        help_text="Type de logement de l'offre (aides au logement), copié à la notification ; "
        "vide : non indiqué (logement social conventionné)",
    )
    date_notification = serializers.DateField(source="notified_date", allow_null=True)
    date_visite = serializers.DateField(source="visit_date", allow_null=True)
    date_limite_reponse = serializers.DateField(source="answer_deadline", allow_null=True)
    reponse = serializers.ChoiceField(source="answer", choices=Answer.choices)
    date_reponse = serializers.DateField(source="answer_date", allow_null=True)
    motif_refus = serializers.CharField(source="refusal_reason.code", allow_null=True)
    motif_refus_texte = serializers.CharField(source="refusal_reason_text")
    conforme = serializers.BooleanField(source="is_compliant", allow_null=True)
    justification_conformite = serializers.CharField(source="compliance_note")
    date_caleol = serializers.DateField(source="commission_date", allow_null=True)
    decision_caleol = serializers.ChoiceField(
        source="commission_decision", choices=CommissionDecision.choices, allow_blank=True
    )
    date_bail = serializers.DateField(source="lease_date", allow_null=True)
    date_emmenagement = serializers.DateField(source="move_in_date", allow_null=True)
    actions_possibles = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=ENDPOINT_NAMES),
            help_text="Actions que l'organisation du jeton peut faire maintenant sur cette proposition",
        )
    )
    def get_actions_possibles(self, proposal) -> list[str]:
        rules = proposal_states.allowed_actions(proposal, self.context["request"].user)
        return sorted({ENDPOINTS[rule.action] for rule in rules})

    def hidden_fields(self, proposal) -> set[str]:
        return (
            set()
            if predicates.can_view_names(self.context["request"].user, proposal.household)
            else {"menage_nom"}
        )


class ProposalDetailSerializer(ProposalSerializer):
    transitions = TransitionSerializer(source="transitions.all", many=True)


class ProposalQuery(serializers.Serializer):
    offre = ID(required=False, help_text="Identifiant de l'offre : les propositions faites sur elle")
    menage = ID(required=False, help_text="Identifiant du ménage")
    etat = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)


def _past(label: str):
    """The services refuse these dates in the future; said here too so that the reason names the field."""

    def check(value: dt.date) -> None:
        if value is not None and value > dt.date.today():
            raise serializers.ValidationError(f"La {label} ne peut pas être dans le futur.")

    return check


class PositionSerializer(serializers.Serializer):
    offre = serializers.PrimaryKeyRelatedField(queryset=HousingOffer.objects.none())
    menage = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    # Compulsory when the offer contradicts the household's wishes (commune, typology, maximum residual
    # rent): the service refuses the positioning without it (400, naming the wishes broken).
    motif_souhaits = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the organisation sees: another id is "not found", never "not yours" (no request:
        # the schema generator, which needs the fields only).
        request = self.context.get("request")
        if request is not None:
            self.fields["offre"].queryset = HousingOffer.objects.visible_to(request.user)
            self.fields["menage"].queryset = Household.objects.visible_to(request.user)


class NotifySerializer(serializers.Serializer):
    date_notification = serializers.DateField(validators=[_past("date de notification")])
    date_visite = serializers.DateField(required=False, allow_null=True)
    date_limite_reponse = serializers.DateField(required=False, allow_null=True)
    conforme = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Absent ou null : le contrôle proposé (besoins et ressources)",
    )
    justification_conformite = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AnswerSerializer(serializers.Serializer):
    reponse = serializers.ChoiceField(choices=ANSWERS)
    date_reponse = serializers.DateField(validators=[_past("date de réponse")])
    motif_refus = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RefusalReason.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="Code d'un motif de refus actif (obligatoire pour un refus)",
        error_messages={"does_not_exist": "Motif de refus inconnu ou retiré : « {value} »."},
    )
    precision = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, data):
        if data["reponse"] == Answer.REFUSED and not data.get("motif_refus"):
            raise serializers.ValidationError(
                {"motif_refus": "Un refus doit être motivé : choisissez un motif de refus."}
            )
        return data


class ReasonSerializer(serializers.Serializer):
    motif = serializers.CharField(max_length=500)


class CommissionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CommissionDecision.choices)
    date_caleol = serializers.DateField(validators=[_past("date de CALEOL")])
    motif = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Obligatoire pour un refus d'attribution"
    )


class LeaseSerializer(serializers.Serializer):
    date_bail = serializers.DateField(validators=[_past("date de signature du bail")])


class MoveInSerializer(serializers.Serializer):
    date_emmenagement = serializers.DateField(validators=[_past("date d'emménagement")])
    nature = serializers.ChoiceField(choices=RehousingKind.choices, default=RehousingKind.DEFINITIVE)
    parc = serializers.ChoiceField(
        choices=HousingStock.choices,
        required=False,
        help_text="Par défaut : selon le type de logement de l'offre",
    )
    apl = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    rls = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    indemnite_minoration = serializers.BooleanField(required=False, allow_null=True)


def _action(summary: str, request, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[IdParameter("Identifiant de la proposition")],
        request=request,
        responses=ProposalDetailSerializer,
    )


@extend_schema_view(
    list=extend_schema(
        summary="Propositions du périmètre",
        description="Celles des ménages du périmètre (pour un bailleur : aussi celles faites sur ses offres).",
        parameters=[ProposalQuery],
        responses=ProposalSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Une proposition et son historique",
        parameters=[IdParameter("Identifiant de la proposition")],
        responses=ProposalDetailSerializer,
    ),
    create=extend_schema(
        summary="Positionner un ménage sur une offre (bureau d'étude, prestataire social)",
        request=PositionSerializer,
        responses={201: ProposalDetailSerializer},
    ),
)
class ProposalViewSet(ApiViewSet):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return (
            Proposal.objects.visible_to(self.request.user)
            .select_related("household", "commune", "refusal_reason")
            .order_by("positioned_at", "pk")
        )

    def list(self, request):
        query = self.query(ProposalQuery)
        proposals = self.get_queryset()
        for param, lookup in (("offre", "offer_id"), ("menage", "household_id"), ("etat", "status")):
            if param in query:
                proposals = proposals.filter(**{lookup: query[param]})
        page = self.paginate_queryset(proposals)
        log_household_list_read(request.user, [p.household_id for p in page], READ_LIST)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _detail(self, proposal_id: int, status_code=status.HTTP_200_OK, headers=None) -> Response:
        proposal = self.get_queryset().prefetch_related("transitions__actor").get(pk=proposal_id)
        log_household_list_read(self.request.user, [proposal.household_id], READ_ONE)
        data = ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)

    def retrieve(self, request, pk):
        return self._detail(self.get_object().pk)

    @transaction.atomic
    def create(self, request):
        if not predicates.can_position_households(request.user):
            raise PermissionDenied(
                "Seuls le bureau d'étude et les travailleurs sociaux positionnent des ménages."
            )
        data = PositionSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        proposal = services.proposal_position(
            offer=data.validated_data["offre"],
            household=data.validated_data["menage"],
            actor=request.user,
            wishes_reason=data.validated_data["motif_souhaits"],
        )
        return self._detail(
            proposal.pk, status.HTTP_201_CREATED, {"Location": reverse("api:proposition", args=[proposal.pk])}
        )

    def _step(self, actions: tuple[str, ...], serializer_class) -> tuple[Proposal, dict]:
        """The proposal (404 outside the perimeter), checked against the rule (403) and the input (400)."""
        proposal = self.get_object()
        rules = [proposal_states.RULES[action] for action in actions]
        if not any(rule.allowed(self.request.user) for rule in rules):
            raise PermissionDenied(f"Votre organisation n'a pas le droit d'effectuer « {rules[0].label} ».")
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return proposal, data.validated_data

    @_action("Notifier la proposition au ménage", NotifySerializer)
    @transaction.atomic
    def notify(self, request, pk):
        proposal, data = self._step(("notify",), NotifySerializer)
        services.proposal_notify(
            proposal=proposal,
            actor=request.user,
            notified_date=data["date_notification"],
            visit_date=data.get("date_visite"),
            answer_deadline=data.get("date_limite_reponse"),
            is_compliant=data.get("conforme"),
            compliance_note=data.get("justification_conformite", ""),
        )
        return self._detail(proposal.pk)

    @_action(
        "Réponse du ménage : acceptation ou refus motivé",
        AnswerSerializer,
        "Un refus cite un motif de refus actif.",
    )
    @transaction.atomic
    def answer(self, request, pk):
        proposal, data = self._step(("accept", "refuse"), AnswerSerializer)
        if data["reponse"] == Answer.ACCEPTED:
            services.proposal_accept(proposal=proposal, actor=request.user, answer_date=data["date_reponse"])
        else:
            services.proposal_refuse(
                proposal=proposal,
                actor=request.user,
                answer_date=data["date_reponse"],
                refusal_reason=data["motif_refus"],
                comment=data.get("precision", ""),
            )
        return self._detail(proposal.pk)

    @_action("Retirer le positionnement ou la proposition", ReasonSerializer)
    @transaction.atomic
    def withdraw(self, request, pk):
        proposal, data = self._step(("withdraw",), ReasonSerializer)
        services.proposal_withdraw(proposal=proposal, actor=request.user, reason=data["motif"])
        return self._detail(proposal.pk)

    @_action("Décision de la CALEOL (bailleur, bureau d'étude)", CommissionSerializer)
    @transaction.atomic
    def commission(self, request, pk):
        proposal, data = self._step(("allocate", "reject", "postpone"), CommissionSerializer)
        services.proposal_record_commission(
            proposal=proposal,
            actor=request.user,
            decision=data["decision"],
            commission_date=data["date_caleol"],
            reason=data.get("motif", ""),
        )
        return self._detail(proposal.pk)

    @_action("Signature du bail (bailleur, bureau d'étude)", LeaseSerializer)
    @transaction.atomic
    def lease(self, request, pk):
        proposal, data = self._step(("sign_lease",), LeaseSerializer)
        services.proposal_sign_lease(proposal=proposal, actor=request.user, lease_date=data["date_bail"])
        return self._detail(proposal.pk)

    @_action(
        "Emménagement (bailleur, bureau d'étude)",
        MoveInSerializer,
        "Crée le relogement, loue l'offre et passe le ménage au statut relogé.",
    )
    @transaction.atomic
    def move_in(self, request, pk):
        proposal, data = self._step(("move_in",), MoveInSerializer)
        services.proposal_move_in(
            proposal=proposal,
            actor=request.user,
            move_in_date=data["date_emmenagement"],
            kind=data["nature"],
            apl=data.get("apl"),
            rls=data.get("rls"),
            rent_reduction_payment=data.get("indemnite_minoration"),
            housing_stock=data.get("parc"),
        )
        return self._detail(proposal.pk)
