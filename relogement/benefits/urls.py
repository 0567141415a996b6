from django.urls import path

from relogement.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.simulator, name="simulator"),
    path("menages/<int:pk>/droits-potentiels/", views.potential_rights, name="potential_rights"),
]
