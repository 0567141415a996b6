from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.households.models import (
    Household,
    HouseholdMember,
    HouseholdStatusChange,
    NextStep,
    ResourceLine,
    SocialDiagnosis,
    SupportLogEntry,
    WishedLocation,
    Wishes,
)


class MemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class ResourceInline(admin.TabularInline):
    model = ResourceLine
    extra = 0


class StatusChangeInline(admin.TabularInline):
    """The transition log is written by the lifecycle service only."""

    model = HouseholdStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "effective_date", "reason", "actor", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "pseudonym", "project", "building", "status", "social_provider", "referent")
    list_filter = ("status", "project", "social_provider")
    search_fields = ("reference", "pseudonym", "reference_name")
    list_select_related = ("project", "building", "social_provider", "referent")
    raw_id_fields = ("building", "origin_dwelling", "split_from", "referent")
    # Status goes through the lifecycle service so that the transition log stays complete.
    readonly_fields = ("status", "exit_reason", "version", "pseudonym")
    inlines = [MemberInline, ResourceInline, StatusChangeInline]


@admin.register(SocialDiagnosis)
class SocialDiagnosisAdmin(SimpleHistoryAdmin):
    list_display = ("household", "date", "author", "support_level")
    raw_id_fields = ("household", "author")


@admin.register(SupportLogEntry)
class SupportLogEntryAdmin(SimpleHistoryAdmin):
    list_display = ("household", "date", "kind", "author")
    raw_id_fields = ("household", "author")


@admin.register(NextStep)
class NextStepAdmin(SimpleHistoryAdmin):
    list_display = ("household", "title", "due_date", "done_on", "assignee")
    raw_id_fields = ("household", "assignee")


class WishedLocationInline(admin.TabularInline):
    model = WishedLocation
    extra = 0


@admin.register(Wishes)
class WishesAdmin(SimpleHistoryAdmin):
    list_display = ("household", "housing_kind", "age", "max_residual_rent")
    raw_id_fields = ("household",)
    inlines = [WishedLocationInline]
