from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from greencert.catalog.models import Category, EvaluationScheme, ImplementationRule, Standard


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


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(admin.ModelAdmin):
    """Schemes are loaded from the YAML files (``greencert sync_schemes``); read-only here."""

    list_display = ["scheme_id", "version", "standard_code", "category", "effective_from"]
    list_filter = ["kind", "category"]
    search_fields = ["scheme_id", "standard_code", "title_zh"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
