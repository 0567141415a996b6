from django.contrib import admin

from relogement.grievances.models import GrievancePolicy


@admin.register(GrievancePolicy)
class GrievancePolicyAdmin(admin.ModelAdmin):
    """Per-project deadlines, set by the administrators with the project's charter."""

    list_display = ("project", "acknowledgement_working_days", "resolution_days")
