"""Pages of every list: bounded size, French envelope (``total``, ``suivante``, ``precedente``, ``resultats``)."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class Pagination(PageNumberPagination):
    page_query_param = "page"
    page_size_query_param = "taille"
    invalid_page_message = "Page invalide : elle n'existe pas."

    @property
    def page_size(self) -> int:
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        return Response(
            {
                "total": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "suivante": self.get_next_link(),
                "precedente": self.get_previous_link(),
                "resultats": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["total", "page", "pages", "suivante", "precedente", "resultats"],
            "properties": {
                "total": {"type": "integer", "description": "Nombre d'éléments de la liste"},
                "page": {"type": "integer", "description": "Numéro de cette page (à partir de 1)"},
                "pages": {"type": "integer", "description": "Nombre de pages"},
                "suivante": {**link, "description": "Adresse de la page suivante"},
                "precedente": {**link, "description": "Adresse de la page précédente"},
                "resultats": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Numéro de page (à partir de 1).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Éléments par page ({settings.API_PAGE_SIZE} par défaut, "
                f"{settings.API_MAX_PAGE_SIZE} au plus).",
                "schema": {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
            },
        ]
