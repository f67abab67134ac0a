from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "organisation", "is_active", "is_staff"]
    list_filter = ["organisation__type", "organisation", "groups", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisatie", {"fields": ("organisation",)}),
    )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "group", "organisation_type"]
