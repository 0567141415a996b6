"""/api/v1/indicateurs/?perimetre=…&date=…: the indicators of INDICATORS.md, as the dashboard computes
them for the token's organisation and as the ``indicators`` command prints them (same keys, same values:
``compute_for`` and the command's ``to_json_value``).

The perimeter is the dashboard's ``perimetre`` token, resolved within the organisation's scope (404
outside it); the households are those of its indicator scope. For the roles without named data (the
metropolis) the secret statistique applies as on the dashboard: a value computed from a count below
5 is ``null`` and its key listed in ``masques``.
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from relogement.api.base import ApiViewSet
from relogement.indicators.management.commands.indicators import to_json_value
from relogement.indicators.perimeter import perimeter_for_user
from relogement.indicators.selectors import compute_for
from relogement.permissions.secrecy import hidden_for, must_hide

PERIMETER_PATTERN = r"^(metropole|commune-[0-9][0-9AB][0-9]{3}|(projet|batiment|bailleur)-[1-9][0-9]{0,17})$"


class IndicatorQuery(serializers.Serializer):
    perimetre = serializers.RegexField(
        PERIMETER_PATTERN,
        required=False,
        default="metropole",
        help_text="metropole (par défaut : tout le périmètre), commune-<INSEE>, projet-<id>, "
        "batiment-<id> ou bailleur-<id>",
        error_messages={
            "invalid": "Périmètre invalide : metropole, commune-<code INSEE>, projet-<id>, batiment-<id> "
            "ou bailleur-<id>."
        },
    )
    date = serializers.DateField(
        required=False, help_text="Date d'observation AAAA-MM-JJ (par défaut : aujourd'hui)"
    )


class IndicatorsSerializer(serializers.Serializer):
    perimetre = serializers.CharField()
    perimetre_libelle = serializers.CharField()
    date = serializers.DateField()
    secret_statistique = serializers.BooleanField(
        help_text="Vrai pour les rôles sans données nommées : les valeurs calculées sur moins de 5 ménages "
        "sont masquées"
    )
    masques = serializers.ListField(
        child=serializers.CharField(), help_text="Indicateurs masqués (valeur null) par le secret statistique"
    )
    indicateurs = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Identifiant de l'indicateur (INDICATORS.md) → valeur ; null : population vide ou masquée",
    )


class IndicatorViewSet(ApiViewSet):
    serializer_class = IndicatorsSerializer
    pagination_class = None

    # One object per perimeter and date, not a list: named so that the schema says so.
    @extend_schema(
        summary="Indicateurs d'un périmètre à une date",
        description="Mêmes clés et mêmes valeurs que la commande `manage.py indicators --format json`, "
        "dans le périmètre de l'organisation du jeton.",
        parameters=[IndicatorQuery],
        responses=IndicatorsSerializer,
    )
    def compute(self, request):
        query = self.query(IndicatorQuery)
        perimeter = perimeter_for_user(request.user, query["perimetre"])
        as_of = query.get("date") or dt.date.today()
        result = compute_for(request.user, perimeter, as_of)
        hide = must_hide(request.user)
        masked = [key for key in result.values if hide and hidden_for(result.bases[key])]
        values = {
            key: None if key in masked else to_json_value(value) for key, value in result.values.items()
        }
        return Response(
            {
                "perimetre": perimeter.token,
                "perimetre_libelle": perimeter.title,
                "date": as_of.isoformat(),
                "secret_statistique": hide,
                "masques": masked,
                "indicateurs": values,
            }
        )
