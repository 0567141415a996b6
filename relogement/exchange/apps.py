from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "relogement.exchange"
    verbose_name = "Échanges de fichiers"
    label = "exchange"
