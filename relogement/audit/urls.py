from django.urls import path

from relogement.audit import views

app_name = "audit"
urlpatterns = [
    path("consultations/", views.read_index, name="index"),
    path("consultations/menage/<int:pk>/", views.household_reads, name="household_reads"),
    path("consultations/utilisateur/<int:pk>/", views.user_reads, name="user_reads"),
]
