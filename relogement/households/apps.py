from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "relogement.households"
    label = "households"
