from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from greencert.certification.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are read here; their status changes only through the certification actions."""

    list_display = ["number", "holder", "category", "body", "status", "issue_date", "expiry_date"]
    list_filter = ["status", "category", "province_code", "in_pilot_zone"]
    search_fields = ["number", "holder__credit_code", "holder__name"]
    list_select_related = ["holder", "category", "body"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
