from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.followup.models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["household", "months_after", "due_date", "done_on", "home_satisfaction", "rent_arrears"]
    list_filter = ["months_after", "home_satisfaction"]
    raw_id_fields = ["household", "author"]
    search_fields = ["household__reference"]
