"""APL, RLS, residual rent and effort rate for one case or a CSV file of cases, as JSON lines.

    manage.py simulate_rent --commune 59350 --adults 1 --children 2 --taxable-income 1400 --rent 450
        [--charges 0] [--stock social|prive_vide|prive_meuble|foyer] [--social-housing] [--month 2025-11]
        [--children-ages "3 8"] [--rsa 0]
    manage.py simulate_rent --commune 59350 --rent 450 --stock social --children 1 \\
        --adult "situation=salarie,salary=1400" --adult "role=conjoint,situation=demandeur_emploi"
    manage.py simulate_rent --csv cases.csv

``--taxable-income`` is the monthly taxable income of the past twelve months (simple form: declared
by the first adult). ``--adult`` describes one adult (repeat it, the applicant first) with
comma-separated ``key=value`` pairs: role (conjoint or autre, from the second adult), age, situation,
salary, pension, unemployment, alimony, aah. Without ``--stock`` the dwelling is a private unfurnished
rental, or social housing with ``--social-housing``. A CSV file has the same names as columns
(docs/benefits.md). The whole file is checked before anything is computed: one bad line stops
everything and nothing is printed on standard output.
"""

import csv

from django.core.management.base import BaseCommand, CommandError

from relogement.benefits import cases as rent_cases
from relogement.benefits import engine
from relogement.core.errors import DomainError


class Erreur(CommandError):
    """Named in French: Django prints the class name before the message on standard error."""


SINGLE_OPTIONS = (
    "commune",
    "adults",
    "children",
    "children_ages",
    "taxable_income",
    "rent",
    "charges",
    "stock",
    "rsa",
    "month",
)


def adult_values(specs: list[str]) -> dict[str, str]:
    """``--adult`` options → the ``adultN_field`` values of a case."""
    values = {}
    for number, spec in enumerate(specs, start=1):
        for pair in (part.strip() for part in spec.split(",")):
            if not pair:
                continue
            key, sep, value = pair.partition("=")
            key = key.strip()
            if not sep or key not in rent_cases.ADULT_FIELDS:
                raise DomainError(
                    f"Adulte {number} : « {pair} » n'est pas de la forme clé=valeur avec une clé parmi "
                    f"{', '.join(rent_cases.ADULT_FIELDS)}."
                )
            values[f"adult{number}_{key}"] = value.strip()
        if not any(key.startswith(f"adult{number}_") for key in values):
            values[f"adult{number}_situation"] = ""
            values[f"adult{number}_salary"] = "0"
    return values


class Command(BaseCommand):
    help = "Calcule APL, RLS, reste à charge et taux d'effort (JSON, une ligne par cas)."

    def add_arguments(self, parser):
        # Everything is read as text and checked here, so that every error message is in French.
        parser.add_argument("--commune", help="code INSEE de la commune")
        parser.add_argument("--adults", help=f"nombre d'adultes (1 à {engine.MAX_ADULTS})")
        parser.add_argument("--children", help="nombre d'enfants (0 par défaut)")
        parser.add_argument(
            "--children-ages", dest="children_ages", help="âges des enfants, séparés par des espaces"
        )
        parser.add_argument("--taxable-income", dest="taxable_income", help="revenu imposable mensuel (€)")
        parser.add_argument(
            "--adult",
            action="append",
            dest="adult",
            default=[],
            help="un adulte : role=…,age=…,situation=…,salary=…,pension=…,unemployment=…,alimony=…,aah=…",
        )
        parser.add_argument("--rsa", help="RSA perçu par le ménage (€ par mois), 0 par défaut")
        parser.add_argument("--rent", help="loyer mensuel hors charges (€)")
        parser.add_argument("--charges", help="charges mensuelles (€), 0 par défaut")
        parser.add_argument("--stock", help="social, prive_vide, prive_meuble ou foyer")
        parser.add_argument(
            "--social-housing",
            action="store_true",
            dest="social_housing",
            help="logement social (= --stock social)",
        )
        parser.add_argument("--month", help=f"mois AAAA-MM, {engine.DEFAULT_MONTH:%Y-%m} par défaut")
        parser.add_argument("--csv", dest="csv_file", help="fichier CSV de cas")

    def handle(self, *args, **options):
        if options["csv_file"]:
            given = [name for name in SINGLE_OPTIONS if options.get(name) not in (None, "")]
            if given or options["social_housing"] or options["adult"]:
                raise Erreur("--csv ne se combine pas avec les paramètres d'un cas isolé.")
            cases = self._read_csv(options["csv_file"])
        else:
            values = {name: options.get(name) for name in SINGLE_OPTIONS}
            values["social_housing"] = "1" if options["social_housing"] else "0"
            try:
                values.update(adult_values(options["adult"]))
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
        self._check_header(header)
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

    @staticmethod
    def _check_header(header: list[str]) -> None:
        unknown = [column for column in header if column not in rent_cases.CSV_COLUMNS]
        if unknown:
            raise Erreur(f"Colonnes inconnues : {', '.join(unknown)} (voir docs/benefits.md).")
        missing = [column for column in rent_cases.CSV_REQUIRED if column not in header]
        if "stock" not in header and "social_housing" not in header:
            missing.append("stock (ou social_housing)")
        if not any(column.startswith("adult1_") for column in header):
            missing += [
                f"{column} (ou adult1_…)" for column in ("adults", "taxable_income") if column not in header
            ]
        if missing:
            raise Erreur(f"Colonnes manquantes : {', '.join(missing)}.")
