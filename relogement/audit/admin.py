from django.contrib import admin

from relogement.audit.models import FileRead


@admin.register(FileRead)
class FileReadAdmin(admin.ModelAdmin):
    """The access log is evidence: it is read, never written or changed, from the admin."""

    list_display = ("at", "user", "organisation", "household", "what")
    list_filter = ("what", "organisation")
    search_fields = ("household__reference", "user__username", "user__last_name")
    date_hierarchy = "at"
    list_select_related = ("user", "organisation", "household")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
