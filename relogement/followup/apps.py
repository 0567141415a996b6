from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "relogement.followup"
    verbose_name = "Suivi post-relogement"
    label = "followup"
