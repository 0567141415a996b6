"""/api/v1/ (the partner API), its OpenAPI schema, its documentation page and the tokens page.

A new major version gets its own prefix (/api/v2/) beside this one (docs/api.md, versioning policy).
"""

from django.urls import path

from relogement.api import docs, households, projects, token_pages

app_name = "api"

urlpatterns = [
    path("v1/projets/", projects.ProjectViewSet.as_view({"get": "list"}), name="projets"),
    path("v1/projets/<int:pk>/", projects.ProjectViewSet.as_view({"get": "retrieve"}), name="projet"),
    path("v1/batiments/", projects.BuildingViewSet.as_view({"get": "list"}), name="batiments"),
    path("v1/batiments/<int:pk>/", projects.BuildingViewSet.as_view({"get": "retrieve"}), name="batiment"),
    path("v1/menages/", households.HouseholdViewSet.as_view({"get": "list"}), name="menages"),
    path("v1/menages/<int:pk>/", households.HouseholdViewSet.as_view({"get": "retrieve"}), name="menage"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("jetons/", token_pages.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", token_pages.token_revoke, name="token_revoke"),
]
