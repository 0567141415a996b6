from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "relogement.indicators"
    verbose_name = "Indicateurs"
    label = "indicators"
