from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from meldpunt.core.validators import validate_email_address

from .models import Role, User


class StrictEmailUserChangeForm(UserChangeForm):
    """The e-mail address is the login name: one plain address (core.validators)."""

    def clean_email(self) -> str:
        email = self.cleaned_data.get("email", "").strip().lower()
        if email:
            validate_email_address(email)
        return email


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StrictEmailUserChangeForm
    list_display = ["username", "organisation", "is_active", "is_staff"]
    list_filter = ["organisation__type", "organisation", "groups", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisatie", {"fields": ("organisation",)}),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "organisation_type"]
