from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "relogement.territory"
    label = "territory"
