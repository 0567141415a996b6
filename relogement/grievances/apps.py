from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    name = "relogement.grievances"
    verbose_name = "Réclamations"
    label = "grievances"
