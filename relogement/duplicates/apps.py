from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "relogement.duplicates"
    verbose_name = "Doublons"
    label = "duplicates"
