from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "relogement.offers"
    verbose_name = "Offres et propositions"
    label = "offers"
