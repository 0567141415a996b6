from django.apps import AppConfig


class RehousingConfig(AppConfig):
    name = "relogement.rehousing"
    label = "rehousing"
