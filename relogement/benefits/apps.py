from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "relogement.benefits"
    verbose_name = "Aides au logement"
    label = "benefits"
