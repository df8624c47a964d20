"""The portal's read models in the back office, read-only.

The search index and the registry tallies are projections of the event log (rebuilt with
``greencert rebuild_read_models``); targets are added by regulators on ``/statistics/targets/new``.
"""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin
from greencert.portal.models import RegistryTally, SearchDocument, Target


@admin.register(SearchDocument)
class SearchDocumentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "key", "status", "province_code", "city_code", "issue_date"]
    list_filter = ["kind", "status"]
    search_fields = ["key"]


@admin.register(RegistryTally)
class RegistryTallyAdmin(ReadOnlyAdmin):
    list_display = ["period", "day", "city_code", "category_code", "status", "delta", "issued"]
    list_filter = ["period", "status"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["region", "indicator", "year", "comparison", "value", "added_by", "added_at"]
    list_filter = ["indicator", "year"]
