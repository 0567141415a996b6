from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "relogement.api"
    label = "api"
    verbose_name = "API partenaires"
    # The token scheme is registered with drf-spectacular by importing relogement.api.schema, which
    # relogement.api.docs (the schema's views) does: not here, at start-up, where drf-spectacular and the
    # DRF modules it pulls in cost about 0.3 s to every management command.
