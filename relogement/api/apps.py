from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "relogement.api"
    label = "api"
    verbose_name = "API partenaires"

    def ready(self):
        # Registers the token scheme with drf-spectacular (an extension is found by being imported).
        from relogement.api import schema  # noqa: F401
