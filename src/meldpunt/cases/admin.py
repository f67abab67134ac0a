"""The instrument catalogue is configuration (functioneel beheer); case data is not edited here."""

from django.contrib import admin

from .models import DeadlineConfig, Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "allowed_organisation_types", "is_active"]
    list_filter = ["category", "is_active"]
    ordering = ["position", "name"]


@admin.register(DeadlineConfig)
class DeadlineConfigAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "changed_by", "first_attempt_working_days",
                    "crisis_first_attempt_working_days", "outreach_days"]  # fmt: skip
    readonly_fields = ["changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        obj.pk = None  # a change is a new row; the old one stays as history
        obj.changed_by = request.user
        super().save_model(request, obj, form, False)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
