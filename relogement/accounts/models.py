"""Organisations, users and memberships.

An organisation's *kind* is its role in the rehousing governance (DOMAIN.md §2); its *perimeter* is
the set of projects it acts on, plus, for a social provider, the households assigned to it and, for a
landlord, its buildings and offers. Access decisions live in ``relogement.permissions``.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models


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
    def active_organisation(self) -> Organisation | None:
        """The organisation the user currently acts for (set per request by the middleware)."""
        if not hasattr(self, "_active_organisation"):
            membership = self.memberships.select_related("organisation").order_by("pk").first()
            self._active_organisation = membership.organisation if membership else None
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
