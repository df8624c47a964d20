from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from greencert.core.models import CertificateEvent, Counter


class ReadOnlyAdmin(admin.ModelAdmin):
    """The event log is append-only: the back office can read it, never change it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "certificate",
        "event_type",
        "status_before",
        "status_after",
        "reason_code",
        "actor_label",
        "effective_at",
        "recorded_at",
    ]
    list_filter = ["event_type", "status_after"]
    search_fields = ["certificate__number"]
    list_select_related = ["certificate"]
    show_full_result_count = False


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ["name", "value"]
