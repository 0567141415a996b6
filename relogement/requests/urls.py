from django.urls import path

from relogement.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.received, name="received"),
    path("envoyees/", views.sent, name="sent"),
    path("menage/<int:household_pk>/nouvelle/", views.create_for_household, name="create_for_household"),
    path("offre/<int:offer_pk>/nouvelle/", views.create_for_offer, name="create_for_offer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/repondre/", views.answer, name="answer"),
    path("<int:pk>/clore/", views.close, name="close"),
]
