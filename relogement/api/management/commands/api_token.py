"""`python manage.py api_token create|list|revoke`: API tokens from the command line (docs/api.md).

``create --organisation "<exact name>" --name "<label>" [--expires AAAA-MM-JJ]`` prints the secret once;
``list [--organisation NAME]`` shows the tokens without their secrets; ``revoke --organisation NAME
--name LABEL`` revokes a live token.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relogement.accounts.models import Organisation
from relogement.api.models import ApiToken
from relogement.api.tokens import api_token_create, api_token_revoke
from relogement.core.errors import DomainError


def _organisation(name: str) -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        similar = list(Organisation.objects.filter(name__iexact=name).values_list("name", flat=True))
        hint = f" Vouliez-vous dire « {similar[0]} » ?" if similar else ""
        raise CommandError(f"Organisation inconnue : « {name} » (nom exact attendu).{hint}")
    return organisation


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide : « {value} » (format attendu AAAA-MM-JJ).") from None


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "—"


class Command(BaseCommand):
    help = "Crée, liste ou révoque les jetons d'API d'une organisation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Crée un jeton et l'affiche une seule fois.")
        create.add_argument("--organisation", required=True, help="Nom exact de l'organisation")
        create.add_argument("--name", required=True, help="Nom du jeton (le logiciel qui l'utilise)")
        create.add_argument("--expires", help="Dernier jour de validité, AAAA-MM-JJ (facultatif)")
        listing = actions.add_parser("list", help="Liste les jetons (sans leur secret).")
        listing.add_argument("--organisation", help="Nom exact de l'organisation")
        revoke = actions.add_parser("revoke", help="Révoque un jeton actif.")
        revoke.add_argument("--organisation", required=True, help="Nom exact de l'organisation")
        revoke.add_argument("--name", required=True, help="Nom du jeton")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def _create(self, *, organisation, name, expires, **options):
        token, key = api_token_create(
            organisation=_organisation(organisation), name=name, expires_on=_date(expires)
        )
        self.stdout.write(key)
        validity = f"jusqu'au {token.expires_on:%d/%m/%Y}" if token.expires_on else "sans date de fin"
        self.stderr.write(
            f"Jeton « {token.name} » créé pour « {token.organisation.name} », valable {validity}. "
            "Copiez-le maintenant : il ne sera plus jamais affiché."
        )

    def _list(self, *, organisation=None, **options):
        tokens = ApiToken.objects.select_related("organisation").order_by("organisation__name", "name", "pk")
        if organisation:
            tokens = tokens.filter(organisation=_organisation(organisation))
        rows = [("Organisation", "Nom", "Début", "Créé le", "Jusqu'au", "Dernière utilisation", "Révoqué le")]
        for token in tokens:
            rows.append(
                (
                    token.organisation.name,
                    token.name,
                    f"{token.prefix}…",
                    _when(token.created_at),
                    f"{token.expires_on:%d/%m/%Y}" if token.expires_on else "—",
                    _when(token.last_used_at),
                    _when(token.revoked_at),
                )
            )
        if len(rows) == 1:
            self.stdout.write("Aucun jeton d'API.")
            return
        for row in rows:
            self.stdout.write(" | ".join(row))

    def _revoke(self, *, organisation, name, **options):
        org = _organisation(organisation)
        token = ApiToken.objects.filter(organisation=org, name=name, revoked_at__isnull=True).first()
        if token is None:
            raise CommandError(f"Aucun jeton actif nommé « {name} » pour « {org.name} ».")
        api_token_revoke(token=token)
        self.stdout.write(f"Jeton « {name} » de « {org.name} » révoqué.")
