from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "relogement.offers"
    label = "offers"
