from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "relogement.demo"
    label = "demo"
