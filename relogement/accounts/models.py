"""Organisations, users and memberships.

An organisation's *kind* is its role in the rehousing governance (DOMAIN.md §2); its *perimeter* is
the set of projects it acts on, plus, for a social provider, the households assigned to it and, for a
landlord, its buildings and offers. Access decisions live in ``relogement.permissions``.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class OrganisationKind(models.TextChoices):
    METROPOLIS = "metropolis", "Métropole / GIP"
    MUNICIPALITY = "municipality", "Commune"
    PROJECT_OFFICE = "project_office", "Bureau d'étude / MOUS"
    SOCIAL_PROVIDER = "social_provider", "Prestataire social"
    LANDLORD = "landlord", "Bailleur social"
    ADMIN = "admin", "Administration"


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="organisations", verbose_name="projets"
    )
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune (pour une commune)",
    )

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. What they may see depends on the organisation they are acting for."""

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def organisations(self) -> list[Organisation]:
        """The organisations the user belongs to, first joined first: read once per request (the
        default active organisation and the header's organisation switcher both need them)."""
        if not hasattr(self, "_organisations"):
            self._organisations = [
                m.organisation for m in self.memberships.select_related("organisation").order_by("pk")
            ]
        return self._organisations

    @property
    def active_organisation(self) -> Organisation | None:
        """The organisation the user currently acts for (set per request by the middleware)."""
        if not hasattr(self, "_active_organisation"):
            self._active_organisation = self.organisations[0] if self.organisations else None
        return self._active_organisation

    @active_organisation.setter
    def active_organisation(self, organisation: Organisation | None) -> None:
        self._active_organisation = organisation


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "appartenance"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOGOUT = "logout", "Déconnexion"
    LOCKED_OUT = "locked_out", "Blocage après trop d'échecs"
    UNLOCKED = "unlocked", "Déblocage par un administrateur"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Double authentification activée"
    TWO_FACTOR_SUCCESS = "2fa_success", "Code de double authentification accepté"
    TWO_FACTOR_FAILED = "2fa_failed", "Code de double authentification refusé"
    RECOVERY_CODE_USED = "recovery_code_used", "Code de secours utilisé"
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", "Nouveaux codes de secours"
    TWO_FACTOR_RESET = "2fa_reset", "Double authentification réinitialisée par un administrateur"
    ORGANISATION_SWITCH = "organisation_switch", "Changement d'organisation"


class SecurityEvent(models.Model):
    """One line of the security log (accounts/security_log.py): who, from where, what. Never a password
    nor a code; the username is the one typed, kept even when no such account exists."""

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="compte"
    )
    username = models.CharField("identifiant saisi", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    kind = models.CharField("événement", max_length=30, choices=SecurityEventKind.choices, db_index=True)
    detail = models.CharField("détail", max_length=300, blank=True)
    # The administrator who acted on the account (unlock, reset), when it is not the user themself.
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "journal de sécurité"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"
