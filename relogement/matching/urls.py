from django.urls import path

from relogement.matching import views

app_name = "matching"
urlpatterns = [
    path("menages/<int:pk>/offres/", views.household_offers, name="household_offers"),
    path("offres/<int:pk>/menages/", views.offer_households, name="offer_households"),
    path("plan/", views.plan, name="plan"),
    path("plan/export.xlsx", views.plan_export, name="plan_export"),
    path("calendrier/", views.risk, name="risk"),
    path("projets/<int:pk>/ponderation/", views.weights, name="weights"),
]
