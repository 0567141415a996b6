from django.urls import path

from relogement.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.simulator, name="simulator"),
]
