"""OpenAPI 3 (drf-spectacular): the token scheme and the error answers each operation may give."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from relogement.api.errors import CODES


class ErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=sorted(set(CODES.values())), help_text="Code stable de l'erreur (à tester par programme)"
    )
    message = serializers.CharField(help_text="Explication en français")
    champs = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Données invalides seulement : raisons par champ (« general » : sans champ précis)",
    )

    class Meta:
        ref_name = "Erreur"


ERRORS = {
    400: "Données ou paramètres invalides : rien n'est enregistré.",
    401: "Jeton absent, inconnu, expiré ou révoqué.",
    403: "Écriture que le rôle de l'organisation ne permet pas.",
    404: "Introuvable, ou hors du périmètre de l'organisation du jeton.",
    429: "Trop de requêtes pour ce jeton (voir l'en-tête Retry-After).",
}


# The documentation page groups the operations by resource, under French headings.
TAGS = {
    "projets": "Projets",
    "batiments": "Bâtiments",
    "menages": "Ménages",
    "offres": "Offres de logement",
    "motifs-refus": "Motifs de refus",
    "propositions": "Propositions",
    "indicateurs": "Indicateurs",
}


class AutoSchema(BaseAutoSchema):
    def get_tags(self) -> list[str]:
        segment = self.path.removeprefix("/api/v1/").split("/")[0]
        return [TAGS.get(segment, segment)]

    def _error_codes(self) -> list[int]:
        codes = [401, 429]
        writes = self.method not in ("GET", "HEAD")
        # Query parameters (filters, page, perimeter…) can be invalid (400) or name something outside
        # the perimeter or a page that does not exist (404).
        has_query = bool(self._get_pagination_parameters() or self.get_override_parameters())
        if writes or has_query:
            codes.append(400)
        if writes:
            codes.append(403)
        if "{" in self.path or has_query:
            codes.append(404)
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(
                str(code),
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), str(code), direction=direction
                ),
            )
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "relogement.api.authentication.OrganisationTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton d'API de l'organisation, précédé de « Token » : `Token rlg_…`.",
        }
