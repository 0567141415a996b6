from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "relogement.exchange"
    label = "exchange"
