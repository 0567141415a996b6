from django.urls import path

from relogement.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("compte/", views.count, name="count"),
    path("preferences/", views.preferences, name="preferences"),
    path("projets/<int:project_pk>/regles/", views.project_rules, name="project_rules"),
]
