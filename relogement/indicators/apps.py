from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "relogement.indicators"
    label = "indicators"
