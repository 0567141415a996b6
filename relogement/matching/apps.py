from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "relogement.matching"
    label = "matching"
