from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "relogement.territory"
    verbose_name = "Territoire"
    label = "territory"
