from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.rehousing.models import Rehousing


@admin.register(Rehousing)
class RehousingAdmin(SimpleHistoryAdmin):
    list_display = ["household", "kind", "move_in_date", "commune", "housing_stock", "rent_reduction_payment"]
    list_filter = ["kind", "housing_stock", "rent_reduction_payment"]
    list_select_related = ["household", "commune"]
    raw_id_fields = ["household", "proposal", "offer", "landlord", "commune"]
