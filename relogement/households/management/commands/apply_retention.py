"""`python manage.py apply_retention [--dry-run] [--today AAAA-MM-JJ]`: the CNIL retention rule.

Run daily by cron in production (docs/personal-data.md). Prints a French report; exit status 0.
A date after today is refused unless --dry-run (the erasure cannot be undone).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relogement.core.errors import DomainError
from relogement.core.formatting import format_number
from relogement.households.retention import RETENTION_YEARS, retention_apply

MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Anonymise les dossiers clos ou sortis dont le dernier contact date de plus de "
        f"{RETENTION_YEARS} ans (durée de conservation CNIL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Liste les dossiers concernés sans rien modifier"
        )
        parser.add_argument(
            "--today",
            help="Date du jour AAAA-MM-JJ (par défaut : aujourd'hui ; une date future seulement avec --dry-run)",
        )

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                today_date = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"Date invalide : « {today} » (format attendu AAAA-MM-JJ).") from None
        else:
            today_date = timezone.localdate()
        try:
            report = retention_apply(today=today_date, dry_run=dry_run)
        except DomainError as error:
            raise CommandError(error.message) from None
        n = format_number
        lines = [
            f"Durée de conservation CNIL au {today_date:%d/%m/%Y} : dossiers clos ou sortis "
            f"dont le dernier contact est antérieur ou égal au {report.cutoff:%d/%m/%Y}.",
        ]
        if dry_run:
            lines.append(
                f"Simulation : {n(report.households)} dossier(s) seraient anonymisés (aucune modification)."
            )
        else:
            lines += [
                f"Dossiers anonymisés : {n(report.households)}",
                f"Membres supprimés : {n(report.members_deleted)}",
                f"Entrées du journal d'accompagnement supprimées : {n(report.support_entries_deleted)}",
                f"Prochaines étapes supprimées : {n(report.next_steps_deleted)}",
                f"Documents supprimés (fichiers effacés) : {n(report.documents_deleted)}",
                f"Enregistrements dont les textes libres sont effacés : {n(report.texts_blanked)}",
                f"Lignes d'historique supprimées : {n(report.history_rows_deleted)}",
                f"Lignes d'historique expurgées : {n(report.history_rows_blanked)}",
            ]
        if report.references:
            shown = report.references[:MAX_LISTED]
            more = len(report.references) - len(shown)
            lines.append("Références : " + ", ".join(shown) + (f" et {n(more)} autre(s)" if more else ""))
        self.stdout.write("\n".join(lines))
