from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from relogement.alerts.models import ProjectAlertSettings


@admin.register(ProjectAlertSettings)
class ProjectAlertSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["project", "stalled_proposal_days", "deadline_warning_days"]
    autocomplete_fields = ["project"]
