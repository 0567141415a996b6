"""The territory referential: communes of the metropolis, their housing zones, priority neighbourhoods."""

from django.db import models


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=120)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    postal_codes = models.CharField(
        "codes postaux", max_length=120, blank=True, help_text="Séparés par « ; »"
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    area_km2 = models.DecimalField("superficie (km²)", max_digits=8, decimal_places=2, null=True, blank=True)
    centroid_lat = models.FloatField("latitude du centroïde", null=True, blank=True)
    centroid_lon = models.FloatField("longitude du centroïde", null=True, blank=True)
    # GeoJSON geometry (WGS84); kept as JSON so that SQLite needs no spatial extension.
    outline = models.JSONField("contour", null=True, blank=True)
    zone_apl = models.PositiveSmallIntegerField(
        "zone APL", null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    zone_abc = models.CharField("zone A/B/C", max_length=4, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class Qpv(models.Model):
    """Quartier prioritaire de la politique de la ville, as in the official ANCT list."""

    code = models.CharField("code QPV", max_length=12, unique=True)
    name = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, related_name="qpvs", verbose_name="communes")
    epci_siren = models.CharField("SIREN de l'EPCI", max_length=9, blank=True)
    outline = models.JSONField("contour", null=True, blank=True)

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
