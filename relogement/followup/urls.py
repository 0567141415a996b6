from django.urls import path

from relogement.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.followup_list, name="list"),
    path("menage/<int:pk>/", views.household_followups, name="household"),
    path("menage/<int:pk>/<int:months>-mois/", views.record_followup, name="record"),
]
