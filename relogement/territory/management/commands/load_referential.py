from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relogement.core.errors import DomainError
from relogement.territory.referential import load_referential


class Command(BaseCommand):
    help = (
        "Charge le référentiel territorial (95 communes de la MEL, zonages APL et A/B/C, 13 sites NPNRU) "
        "et les motifs de refus par défaut. Peut être relancé sans risque."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", default=None, help="Dossier des données (défaut : REFERENCE_DATA_DIR)"
        )

    def handle(self, *args, data_dir=None, **options):
        from pathlib import Path

        try:
            report = load_referential(Path(data_dir) if data_dir else settings.REFERENCE_DATA_DIR)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Référentiel chargé."))
