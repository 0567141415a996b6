"""Deletes the security log's rows older than SECURITY_LOG_RETENTION_DAYS (docs/personal-data.md §8)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from relogement.accounts.models import SecurityEvent


class Command(BaseCommand):
    help = "Supprime les lignes du journal de sécurité plus anciennes que la durée de conservation."

    def handle(self, *args, **options):
        days = settings.SECURITY_LOG_RETENTION_DAYS
        limit = timezone.now() - dt.timedelta(days=days)
        count, _ = SecurityEvent.objects.filter(at__lt=limit).delete()
        self.stdout.write(f"{count} ligne(s) du journal de sécurité de plus de {days} jours supprimée(s).")
