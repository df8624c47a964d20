from django.contrib import admin

from greencert.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "level",
        "city_code",
        "pilot_zone",
        "demonstration_zone",
    ]
    list_filter = ["level", "pilot_zone", "demonstration_zone", "province_code"]
    search_fields = ["code", "name_zh", "name_en"]
