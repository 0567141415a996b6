from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "relogement.requests"
    label = "requests"
    verbose_name = "Demandes entre organisations"
