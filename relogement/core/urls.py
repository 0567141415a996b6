from django.urls import path

from relogement.core import health, help

app_name = "core"
urlpatterns = [
    path("sante/", health.health, name="health"),
    path("aide/glossaire/", help.glossary, name="glossary"),
]
