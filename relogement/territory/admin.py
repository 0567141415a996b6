from django.contrib import admin

from relogement.territory.models import Commune, Qpv


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population", "zone_apl", "zone_abc"]
    list_filter = ["zone_apl", "zone_abc"]
    search_fields = ["name", "insee_code", "postal_codes"]
    exclude = ["outline"]


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "epci_siren"]
    search_fields = ["name", "code"]
    filter_horizontal = ["communes"]
    exclude = ["outline"]
