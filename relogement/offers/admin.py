from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.offers.models import HousingOffer, Proposal, ProposalTransition, RefusalReason


@admin.register(HousingOffer)
class HousingOfferAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "address",
        "commune",
        "dwelling_type",
        "rent",
        "status",
        "landlord",
        "available_from",
    ]
    list_filter = ["status", "financing", "dwelling_type", "in_qpv"]
    search_fields = ["reference", "address"]
    list_select_related = ["commune", "landlord"]
    raw_id_fields = ["commune", "landlord"]


class ProposalTransitionInline(admin.TabularInline):
    model = ProposalTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "actor", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    # Status changes go through the services (transition log); the admin shows them read-only.
    list_display = ["pk", "household", "offer", "status", "notified_date", "answer", "is_compliant"]
    list_filter = ["status", "answer", "is_compliant"]
    list_select_related = ["household", "offer"]
    raw_id_fields = ["household", "offer", "commune", "positioned_by", "refusal_reason"]
    readonly_fields = ["status"]
    inlines = [ProposalTransitionInline]


@admin.register(ProposalTransition)
class ProposalTransitionAdmin(admin.ModelAdmin):
    list_display = ["proposal", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["proposal", "actor"]
    readonly_fields = ["proposal", "from_status", "to_status", "reason", "actor", "created_at"]


# The referential admin (projects) may already register the refusal reasons.
if not admin.site.is_registered(RefusalReason):

    @admin.register(RefusalReason)
    class RefusalReasonAdmin(admin.ModelAdmin):
        list_display = ["label", "code", "active"]
        list_filter = ["active"]
