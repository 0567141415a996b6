from django.contrib import admin

from relogement.exchange.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "organisation", "created_at", "dry_run", "status"]
    list_filter = ["status", "dry_run"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
