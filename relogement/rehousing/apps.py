from django.apps import AppConfig


class RehousingConfig(AppConfig):
    name = "relogement.rehousing"
    verbose_name = "Relogements"
    label = "rehousing"
