"""/api/v1/ (the partner API), its OpenAPI schema, its documentation page and the tokens page.

A new major version gets its own prefix (/api/v2/) beside this one (docs/api.md, versioning policy).
"""

from django.urls import path

from relogement.api import docs, households, indicators, offers, projects, proposals, token_pages

app_name = "api"

urlpatterns = [
    path("v1/projets/", projects.ProjectViewSet.as_view({"get": "list"}), name="projets"),
    path("v1/projets/<int:pk>/", projects.ProjectViewSet.as_view({"get": "retrieve"}), name="projet"),
    path("v1/batiments/", projects.BuildingViewSet.as_view({"get": "list"}), name="batiments"),
    path("v1/batiments/<int:pk>/", projects.BuildingViewSet.as_view({"get": "retrieve"}), name="batiment"),
    path("v1/menages/", households.HouseholdViewSet.as_view({"get": "list"}), name="menages"),
    path("v1/menages/<int:pk>/", households.HouseholdViewSet.as_view({"get": "retrieve"}), name="menage"),
    path("v1/offres/", offers.OfferViewSet.as_view({"get": "list", "post": "create"}), name="offres"),
    path(
        "v1/offres/<int:pk>/",
        offers.OfferViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="offre",
    ),
    path(
        "v1/offres/<int:pk>/retrait/", offers.OfferViewSet.as_view({"post": "withdraw"}), name="offre_retrait"
    ),
    path("v1/motifs-refus/", offers.RefusalReasonViewSet.as_view({"get": "list"}), name="motifs_refus"),
    path(
        "v1/propositions/",
        proposals.ProposalViewSet.as_view({"get": "list", "post": "create"}),
        name="propositions",
    ),
    path(
        "v1/propositions/<int:pk>/",
        proposals.ProposalViewSet.as_view({"get": "retrieve"}),
        name="proposition",
    ),
    *[
        path(
            f"v1/propositions/<int:pk>/{endpoint}/",
            proposals.ProposalViewSet.as_view({"post": method}),
            name=f"proposition_{endpoint}",
        )
        for endpoint, method in (
            ("notification", "notify"),
            ("reponse", "answer"),
            ("retrait", "withdraw"),
            ("caleol", "commission"),
            ("bail", "lease"),
            ("emmenagement", "move_in"),
        )
    ],
    path("v1/indicateurs/", indicators.IndicatorViewSet.as_view({"get": "compute"}), name="indicateurs"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("jetons/", token_pages.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", token_pages.token_revoke, name="token_revoke"),
]
