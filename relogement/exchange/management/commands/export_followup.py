"""python manage.py export_followup PATH [--project NAME]: write the exchange format."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from relogement.exchange.exporter import export_rows, format_for_path, write_export
from relogement.households.models import Household
from relogement.projects.models import Project


class Command(BaseCommand):
    help = (
        "Exporte le fichier de suivi du relogement : .xlsx, .ods, .zip de CSV, ou un dossier de fichiers "
        "CSV quand PATH est un dossier (ou se termine par « / »)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--project", help="code ou nom du projet (toute la base sinon)")

    def handle(self, *args, path, project=None, **options):
        try:
            fmt = format_for_path(path)
        except ValueError:
            raise CommandError(
                "Extension non reconnue : .xlsx, .ods, .zip ou un dossier terminé par « / »."
            ) from None
        households = Household.objects.all()
        if project:
            found = Project.objects.filter(Q(code__iexact=project) | Q(name__iexact=project)).first()
            if found is None:
                raise CommandError(f"Projet inconnu : « {project} ».")
            households = households.filter(project=found)
        # The command line is the operator's: every column, named.
        sheets = export_rows(households, viewer=None)
        if fmt == "csv-folder":
            write_export(path, sheets, fmt)
        else:
            with open(path, "wb") as handle:
                write_export(handle, sheets, fmt)
        self.stdout.write(f"Export écrit : {path} ({households.count()} ménage(s)).")
