from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relogement.core.errors import DomainError
from relogement.territory.qpv_import import MEL_SIREN, import_qpv


class Command(BaseCommand):
    help = (
        "Importe la liste officielle des QPV (colonnes code_qp, lib_qp, insee_com, siren_epci, géométrie "
        f"GeoJSON facultative). --epci {MEL_SIREN} ne garde que ceux de la MEL. Peut être relancé."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier CSV de la liste des QPV")
        parser.add_argument("--epci", default=None, help="Ne garder que les QPV de cet EPCI (SIREN)")

    def handle(self, *args, path, epci=None, **options):
        try:
            result = import_qpv(Path(path), epci=epci)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"QPV : {result.created} créé(s), {result.updated} mis à jour, {result.unchanged} inchangé(s), "
            f"{result.skipped_rows} ligne(s) hors EPCI ignorée(s)."
        )
        if result.unknown_communes:
            self.stdout.write(
                self.style.WARNING(
                    "Communes absentes du référentiel (non rattachées) : "
                    + ", ".join(sorted(result.unknown_communes))
                )
            )
