from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from greencert.marks.models import MarkScan, SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Keys are created and rotated by ``greencert keys rotate``; the private key is never shown."""

    list_display = ["kid", "created_at", "retired_at"]
    fields = ("number", "kid", "public_jwk", "created_at", "retired_at")
    readonly_fields = ("number", "kid", "public_jwk", "created_at", "retired_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MarkScan)
class MarkScanAdmin(admin.ModelAdmin):
    list_display = ["certificate", "day", "region_code", "count"]
    list_filter = ["region_code"]
    search_fields = ["certificate__number"]
    list_select_related = ["certificate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
