from django.urls import path

from relogement.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("preferences/", views.preferences, name="preferences"),
]
