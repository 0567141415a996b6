from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "relogement.audit"
    verbose_name = "Journal des consultations"
    label = "audit"

    def ready(self):
        from relogement.audit.reads import install_named_fields

        # Reading a named field on a page notes its household for the read log (audit/reads.py).
        install_named_fields()
