from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relogement.core"
    verbose_name = "Socle"
    label = "core"
