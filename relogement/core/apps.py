from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relogement.core"
    label = "core"
