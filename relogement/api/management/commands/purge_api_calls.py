"""Deletes the API call log's rows older than API_CALL_RETENTION_DAYS (docs/api.md, Logs)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from relogement.api.models import ApiCall


class Command(BaseCommand):
    help = "Supprime les appels de l'API journalisés plus anciens que la durée de conservation."

    def handle(self, *args, **options):
        days = settings.API_CALL_RETENTION_DAYS
        limit = timezone.now() - dt.timedelta(days=days)
        count, _ = ApiCall.objects.filter(at__lt=limit).delete()
        self.stdout.write(f"{count} appel(s) de l'API de plus de {days} jours supprimé(s).")
