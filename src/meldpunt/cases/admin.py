"""The instrument catalogue is configuration (functioneel beheer); case data is not edited here."""

from django.contrib import admin

from .models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "allowed_organisation_types", "is_active"]
    list_filter = ["category", "is_active"]
    ordering = ["position", "name"]
