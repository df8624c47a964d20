"""The copies of the other nodes' logs, read-only in the admin: how far each peer was followed,
its last error, and the foreign events and certificates as applied."""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin
from greencert.exchange.replication.models import ForeignCertificate, ForeignEvent, ReplicatedLog


@admin.register(ReplicatedLog)
class ReplicatedLogAdmin(ReadOnlyAdmin):
    list_display = (
        "peer_id",
        "size",
        "checkpoint_size",
        "verified_at",
        "last_fetch_at",
        "last_error",
    )
    exclude = ("root_hash",)


@admin.register(ForeignEvent)
class ForeignEventAdmin(ReadOnlyAdmin):
    list_display = ("peer_id", "sequence", "certificate_number")
    list_filter = ("peer_id",)
    search_fields = ("=certificate_number",)


@admin.register(ForeignCertificate)
class ForeignCertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "peer_id", "status", "holder_credit_code", "last_sequence")
    list_filter = ("peer_id", "status")
    search_fields = ("=number", "=holder_credit_code")
