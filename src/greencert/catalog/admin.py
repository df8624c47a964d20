from django.contrib import admin

from greencert.catalog.models import Category, ImplementationRule, Standard


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "kind",
        "batch",
        "rule",
        "pilot_zone",
        "validity_years",
    ]
    list_filter = ["kind", "batch", "pilot_zone", "graded"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["standards"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["number", "year", "title_zh", "in_force_on", "superseded_by", "confirmed"]
    search_fields = ["number", "title_zh"]


@admin.register(ImplementationRule)
class ImplementationRuleAdmin(admin.ModelAdmin):
    list_display = ["rule_id", "title_zh"]
    search_fields = ["rule_id"]
