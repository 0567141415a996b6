from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "relogement.governance"
    verbose_name = "Gouvernance (comités de relogement, CALEOL)"
    label = "governance"
