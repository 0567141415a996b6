"""API tokens (one per partner system, acting for one organisation) and the log of API calls.

A token's secret is shown once when it is created and stored only as its SHA-256 hash; its first
characters (``prefix``) stay readable so that an administrator can tell tokens apart. Each token has
its own *service user* (no password, no membership): requests made with the token act as that user
for the token's organisation, so that history, transition logs and the read log name the token, not a
person who happened to create it (docs/api.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name="organisation",
    )
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("début du jeton", max_length=12, db_index=True)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_token",
        verbose_name="utilisateur de service",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    expires_on = models.DateField("valable jusqu'au", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoqué par",
    )

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["organisation", "-created_at", "-pk"]
        permissions = [("manage_apitoken", "Gérer les jetons d'API de son organisation")]
        constraints = [
            # A name says which partner system uses the token: two live tokens of one organisation
            # never share it (the command line revokes by name).
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(revoked_at__isnull=True),
                name="unique_live_api_token_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiCall(models.Model):
    """One request made with a valid token: what a page view leaves in a web server's access log,
    kept per token so that an organisation's administrator can see what its partner systems did."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField("le", auto_now_add=True)
    method = models.CharField("méthode", max_length=8)
    path = models.CharField("chemin", max_length=250)
    status = models.PositiveSmallIntegerField("code de réponse")
    duration_ms = models.PositiveIntegerField("durée (ms)")

    class Meta:
        verbose_name = "appel de l'API"
        verbose_name_plural = "appels de l'API"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"])]
