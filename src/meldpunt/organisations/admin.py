from django.contrib import admin

from .models import District, Organisation, PostcodeException, PostcodeRange


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "type", "is_active"]
    list_filter = ["type", "is_active"]


class PostcodeRangeInline(admin.TabularInline):
    model = PostcodeRange
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "provider"]
    inlines = [PostcodeRangeInline]


@admin.register(PostcodeException)
class PostcodeExceptionAdmin(admin.ModelAdmin):
    list_display = ["postcode", "district", "reason"]
