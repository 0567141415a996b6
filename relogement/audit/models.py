"""Reads of named household files (CNIL: access is individual and logged)."""

from django.conf import settings
from django.db import models


class FileRead(models.Model):
    # No index of their own: the composite indexes below start with them (and serve the foreign keys'
    # lookups). An export of 36,000 named households writes 36,000 rows in one statement: each index less
    # is 36,000 insertions less.
    # No constraint in the database either (db_constraint=False): the rows are only ever written from
    # the households, user and organisation of the request, in the statement that selects them, and
    # deleting a household, user or organisation goes through Django, which applies on_delete itself.
    # The three deferred checks per row were two thirds of writing an export's read log (0.44 s of
    # 0.65 s for 36,000 rows on PostgreSQL).
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="reads",
        db_index=False,
        db_constraint=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="file_reads",
        db_index=False,
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    at = models.DateTimeField("consulté le", auto_now_add=True)
    what = models.CharField("page", max_length=60, default="fiche")

    class Meta:
        verbose_name = "consultation de dossier"
        verbose_name_plural = "consultations de dossiers"
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "-at"]), models.Index(fields=["user", "-at"])]
