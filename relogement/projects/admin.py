from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.offers.models import RefusalReason
from relogement.projects.models import Building, Operation, OriginDwelling, Project


class OperationInline(admin.TabularInline):
    model = Operation
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "commune", "level", "phase", "approval_date", "required_offers"]
    list_filter = ["level", "phase", "offer_rule_basis"]
    search_fields = ["name", "code", "neighbourhood"]
    autocomplete_fields = ["commune"]
    inlines = [OperationInline]


@admin.register(Operation)
class OperationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project", "kind"]
    list_filter = ["kind", "project"]
    search_fields = ["name", "project__name"]


class OriginDwellingInline(admin.TabularInline):
    model = OriginDwelling
    extra = 0


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "project",
        "operation",
        "commune",
        "landlord",
        "private_owner",
        "dwellings_count",
        "planned_demolition_date",
    ]
    list_filter = ["project", "operation__kind", "landlord"]
    list_select_related = ["project", "operation", "commune", "landlord"]
    search_fields = ["reference", "address", "private_owner"]
    autocomplete_fields = ["operation", "commune", "landlord"]
    inlines = [OriginDwellingInline]


# The refusal reasons are a referential kept by administrators (the offers app owns the model).
if not admin.site.is_registered(RefusalReason):

    @admin.register(RefusalReason)
    class RefusalReasonAdmin(admin.ModelAdmin):
        list_display = ["label", "code", "active"]
        list_filter = ["active"]
        search_fields = ["label", "code"]
