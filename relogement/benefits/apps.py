from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "relogement.benefits"
    label = "benefits"
