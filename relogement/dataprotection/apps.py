from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    name = "relogement.dataprotection"
    label = "dataprotection"
    verbose_name = "Protection des données"
