"""Configuration of the Sluitende Aanpak rules: append-only, each row records who and when."""

from django.contrib import admin

from .models import RuleConfig


@admin.register(RuleConfig)
class RuleConfigAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "changed_by", "max_age_months", "min_attempts", "min_days",
                    "min_home_visits", "min_refusals"]  # fmt: skip
    readonly_fields = ["changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        # A change is a new row: the old configuration stays as history.
        obj.pk = None
        obj.changed_by = request.user
        super().save_model(request, obj, form, False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
