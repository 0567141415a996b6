from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "relogement.alerts"
    label = "alerts"
    verbose_name = "Alertes et notifications"
