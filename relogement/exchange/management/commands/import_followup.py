"""python manage.py import_followup PATH [--dry-run]: import a follow-up file (EXCHANGE-FORMAT.md)."""

from django.core.management.base import BaseCommand, CommandError

from relogement.exchange.importer import exchange_import
from relogement.exchange.readers import ContainerError, read_path


class Command(BaseCommand):
    help = (
        "Importe un fichier de suivi du relogement : classeur .xlsx/.ods, dossier contenant menages.csv "
        "(et propositions.csv), ou un fichier menages.csv seul. Rien n'est écrit si une ligne est invalide."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")

    def handle(self, *args, path, dry_run, **options):
        try:
            sheets = read_path(path)
        except ContainerError as exc:
            raise CommandError(str(exc)) from None

        def progress(phase, done, total):
            if options.get("verbosity", 1) >= 2 and total:
                self.stderr.write(f"{phase} : {done}/{total}")

        report = exchange_import(sheets=sheets, dry_run=dry_run, progress=progress)
        if not report.valid:
            self.stderr.write(report.text())
            raise CommandError("Import refusé : le fichier contient des erreurs (rien n'a été enregistré).")
        self.stdout.write(report.text())
