from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from relogement.accounts.models import Membership, Organisation, User

# The admin speaks French like the rest of the application (Django's defaults name it « Django »).
admin.site.site_header = "Administration de Relogement"
admin.site.site_title = "Administration de Relogement"
admin.site.index_title = "Configuration"

# Two-factor devices hold secret keys and recovery codes: not shown in the admin. An administrator
# resets a user's device on /securite/comptes/, which is logged (accounts/security_views.py).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]
    verbose_name = "appartenance à une organisation"
    verbose_name_plural = "appartenances aux organisations"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "organisations_list",
        "is_active",
        "is_staff",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__organisation__kind"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__organisation")

    @admin.display(description="organisations")
    def organisations_list(self, obj):
        return ", ".join(m.organisation.name for m in obj.memberships.all())


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "membre"
    verbose_name_plural = "membres"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["projects"]
    autocomplete_fields = ["commune"]
    inlines = [OrganisationMembershipInline]
