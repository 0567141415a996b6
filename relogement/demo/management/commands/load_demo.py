import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from relogement.demo.generator import Generator, demo_password, ensure_referential, persona_logins
from relogement.households.models import Household
from relogement.indicators import freshness


class Command(BaseCommand):
    help = (
        "Génère un jeu de démonstration synthétique (ménages fictifs) sur les 13 sites NPNRU réels de la "
        "MEL et crée un compte par rôle. Reproductible avec --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=2000, help="Nombre de ménages (défaut : 2000)")
        parser.add_argument("--seed", type=int, default=2024, help="Graine du générateur (défaut : 2024)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien générer si des ménages existent déjà (les comptes de démonstration sont affichés).",
        )

    def handle(self, *args, households, seed, if_empty, **options):
        if households < 1:
            raise CommandError("Le nombre de ménages doit être au moins 1.")
        password = demo_password()
        if Household.objects.exists():
            if not if_empty:
                raise CommandError(
                    "La base contient déjà des ménages : utilisez --if-empty, ou une base vide pour régénérer."
                )
            self.stdout.write("Des ménages existent déjà : aucune donnée générée.")
            self._print_logins(persona_logins(password), password)
            return
        started = time.monotonic()
        ensure_referential(self.stdout.write)
        result = Generator(households=households, seed=seed, password=password, log=self.stdout.write).run()
        # The indicator facts and building summaries now rather than at the first dashboard.
        freshness.refresh()
        # Bulk inserts leave the planner without statistics (autovacuum may not have run yet): without
        # them PostgreSQL picks nested loops over 100,000 households and dashboards take minutes. VACUUM
        # also fills the visibility map, without which index-only scans are not chosen (the household
        # search took 0.7 s instead of 0.3 s); it cannot run inside a transaction (the tests).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{result.households} ménages générés en {elapsed:.1f} s (graine {seed}).")
        )
        for name, count in sorted(result.counts.items()):
            self.stdout.write(f"  {name} : {count}")
        self._print_logins(result.logins, password)

    def _print_logins(self, logins, password):
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (mot de passe commun : " + password + ") :")
        for username, description in logins:
            self.stdout.write(f"  {username:<10} {description}")
