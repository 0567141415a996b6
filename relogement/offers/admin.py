"""Offers and refusal reasons are configuration; proposals are household data and stay out of the admin.

A proposal records a household's answer and refusal reason, and its transition log is the evidence of
the process: neither is registered here (see households/admin.py), so the admin can neither show them
nor delete them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.offers.models import HousingOffer, RefusalReason


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


# The referential admin (projects) may already register the refusal reasons.
if not admin.site.is_registered(RefusalReason):

    @admin.register(RefusalReason)
    class RefusalReasonAdmin(admin.ModelAdmin):
        list_display = ["label", "code", "active"]
        list_filter = ["active"]
