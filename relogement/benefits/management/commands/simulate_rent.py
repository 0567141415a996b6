"""APL, RLS, residual rent and effort rate for one case or a CSV file of cases, as JSON lines.

    manage.py simulate_rent --commune 59350 --adults 1 --children 2 --taxable-income 1400 --rent 450
        [--charges 0] [--social-housing] [--month 2025-11]
    manage.py simulate_rent --csv cases.csv

``--taxable-income`` is the monthly taxable income of the past twelve months. A CSV file has the
columns commune, adults, children, taxable_income, rent, charges, social_housing (1 or 0) and month
(AAAA-MM; empty: the default month; empty charges: 0). The whole file is checked before anything is
computed: one bad line stops everything and nothing is printed on standard output.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from relogement.benefits import cases as rent_cases
from relogement.benefits import engine
from relogement.core.errors import DomainError


class Erreur(CommandError):
    """Named in French: Django prints the class name before the message on standard error."""


SINGLE_OPTIONS = ("commune", "adults", "children", "taxable_income", "rent", "charges", "month")


class Command(BaseCommand):
    help = "Calcule APL, RLS, reste à charge et taux d'effort (JSON, une ligne par cas)."

    def add_arguments(self, parser):
        # Everything is read as text and checked here, so that every error message is in French.
        parser.add_argument("--commune", help="code INSEE de la commune")
        parser.add_argument("--adults", help="nombre d'adultes (1 ou 2)")
        parser.add_argument("--children", help="nombre d'enfants")
        parser.add_argument("--taxable-income", dest="taxable_income", help="revenu imposable mensuel (€)")
        parser.add_argument("--rent", help="loyer mensuel hors charges (€)")
        parser.add_argument("--charges", help="charges mensuelles (€), 0 par défaut")
        parser.add_argument(
            "--social-housing", action="store_true", dest="social_housing", help="logement social"
        )
        parser.add_argument("--month", help=f"mois AAAA-MM, {engine.DEFAULT_MONTH:%Y-%m} par défaut")
        parser.add_argument("--csv", dest="csv_file", help="fichier CSV de cas")

    def handle(self, *args, **options):
        if options["csv_file"]:
            given = [name for name in SINGLE_OPTIONS if options.get(name) not in (None, "")]
            if given or options["social_housing"]:
                raise Erreur("--csv ne se combine pas avec les paramètres d'un cas isolé.")
            cases = self._read_csv(options["csv_file"])
        else:
            values = {name: options.get(name) for name in SINGLE_OPTIONS}
            values["social_housing"] = bool(options["social_housing"])
            try:
                cases = [rent_cases.parse_case(values)]
            except DomainError as error:
                raise Erreur(error.message) from None
        try:
            results = rent_cases.compute_cases(cases)
        except DomainError as error:
            raise Erreur(error.message) from None
        for result in results:
            self.stdout.write(rent_cases.result_json(result))

    def _read_csv(self, path: str) -> list[rent_cases.RentCase]:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = [(name or "").strip() for name in (reader.fieldnames or [])]
                rows = list(reader)
        except FileNotFoundError:
            raise Erreur(f"Fichier introuvable : {path}") from None
        except UnicodeDecodeError:
            raise Erreur(f"Le fichier {path} n'est pas en UTF-8.") from None
        except csv.Error as error:
            raise Erreur(f"Fichier CSV illisible : {error}") from None
        missing = [column for column in rent_cases.CSV_COLUMNS if column not in header]
        if missing:
            raise Erreur(f"Colonnes manquantes : {', '.join(missing)}.")
        if not rows:
            raise Erreur("Le fichier CSV ne contient aucun cas.")
        cases = []
        for line, row in enumerate(rows, start=2):
            values = {(key or "").strip(): value for key, value in row.items()}
            if None in row.values():
                raise Erreur(f"Ligne {line} : il manque des valeurs.")
            try:
                cases.append(rent_cases.parse_case(values))
            except DomainError as error:
                raise Erreur(f"Ligne {line} : {error.message}") from None
        return cases
