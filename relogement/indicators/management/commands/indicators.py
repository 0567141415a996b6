"""`python manage.py indicators [--project NAME | --commune INSEE | --landlord NAME] [--as-of DATE] --format json`.

Prints one JSON object whose keys are the indicator ids of INDICATORS.md, ``null`` where the
population is empty, exact values (no secret statistique: the command is not a user view).
"""

import datetime as dt
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from relogement.indicators.perimeter import PerimeterError, perimeter_from_arguments
from relogement.indicators.selectors import ALL, compute_for


def to_json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


class Command(BaseCommand):
    help = "Calcule les indicateurs de relogement d'un périmètre à une date et les écrit en JSON."
    # Read-only: no system checks, which import the whole URL configuration (every view, the API and
    # its schema, the task queue): most of the command's 1.3 s at 100,000 households was start-up.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--project", help="Code ou nom du projet (insensible à la casse)")
        parser.add_argument("--commune", help="Code INSEE de la commune d'origine")
        parser.add_argument("--landlord", help="Nom du bailleur d'origine, ou « aucun » pour le parc privé")
        parser.add_argument(
            "--as-of", dest="as_of", help="Date d'observation AAAA-MM-JJ (par défaut : aujourd'hui)"
        )
        parser.add_argument("--format", dest="output_format", default="json", help="Format de sortie : json")

    def handle(
        self, *args, project=None, commune=None, landlord=None, as_of=None, output_format="json", **options
    ):
        if output_format != "json":
            raise CommandError(f"Format inconnu : « {output_format} » (seul « json » est disponible).")
        if as_of:
            try:
                as_of_date = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"Date invalide : « {as_of} » (format attendu AAAA-MM-JJ).") from None
        else:
            as_of_date = dt.date.today()
        try:
            perimeter = perimeter_from_arguments(project=project, commune=commune, landlord=landlord)
        except PerimeterError as error:
            raise CommandError(str(error)) from None
        result = compute_for(ALL, perimeter, as_of_date)
        payload = {key: to_json_value(value) for key, value in result.values.items()}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
