from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "relogement.matching"
    verbose_name = "Aide à la décision"
    label = "matching"

    def ready(self):
        from django.conf import settings

        from relogement.matching.warmup import serves_requests, start_warm_up

        if getattr(settings, "MATCHING_WARM_UP_ENGINE", False) and serves_requests():
            start_warm_up()
