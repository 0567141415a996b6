from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "relogement.documents"
    verbose_name = "Documents des ménages"
    label = "documents"
