from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "relogement.demo"
    verbose_name = "Démonstration"
    label = "demo"
