from django.contrib import admin

from relogement.exchange.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs are followed here (stuck or failed runs), without their report: it quotes values of
    the imported rows (names among them), which only the page of the import shows to its author."""

    list_display = ["filename", "created_by", "organisation", "created_at", "dry_run", "status"]
    list_filter = ["status", "dry_run"]
    exclude = ["report"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "report"]
