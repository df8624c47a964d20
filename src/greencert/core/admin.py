from django.contrib import admin

from greencert.core.models import CertificateEvent, Counter
from greencert.core.readonly_admin import ReadOnlyAdmin


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
