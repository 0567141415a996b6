from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "relogement.households"
    verbose_name = "Ménages"
    label = "households"
