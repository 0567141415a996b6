from django.core.management.base import BaseCommand

from relogement.indicators import freshness


class Command(BaseCommand):
    help = (
        "Recalcule les faits par ménage et les synthèses par bâtiment des indicateurs (après une "
        "modification du calcul lui-même ; les modifications de données sont suivies automatiquement)."
    )

    def handle(self, *args, **options):
        count = freshness.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indicateurs recalculés pour {count} ménage(s)."))
