from django.urls import path

from relogement.offers import views

app_name = "offers"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("nouvelle/", views.offer_create, name="create"),
    path("echeances/", views.deadlines, name="deadlines"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/modifier/", views.offer_edit, name="edit"),
    path("<int:pk>/retirer/", views.offer_withdraw, name="withdraw"),
    path("<int:pk>/positionner/", views.offer_position, name="position"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
    path("menage/<int:household_pk>/", views.household_offers_panel, name="household_offers"),
]
