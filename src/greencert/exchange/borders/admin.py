"""The border feed, read-only in the admin: this node's records, how far each peer's feed was
followed (with its last error) and the peers' records as applied."""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin
from greencert.exchange.borders.models import AppliedBorderRecord, BorderFollow, BorderRecord


@admin.register(BorderRecord)
class BorderRecordAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "kind", "subject_id", "recorded_at")


@admin.register(BorderFollow)
class BorderFollowAdmin(ReadOnlyAdmin):
    list_display = ("peer_id", "size", "last_fetch_at", "last_error")


@admin.register(AppliedBorderRecord)
class AppliedBorderRecordAdmin(ReadOnlyAdmin):
    list_display = ("peer_id", "sequence", "kind", "applied_at")
    list_filter = ("peer_id", "kind")
