from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "relogement.audit"
    label = "audit"
