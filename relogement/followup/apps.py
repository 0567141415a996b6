from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "relogement.followup"
    label = "followup"
