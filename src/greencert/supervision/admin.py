"""Supervision records in the back office: read-only, since every change goes through actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from greencert.supervision.models import (
    BlacklistEntry,
    BlacklistFlag,
    Complaint,
    ComplaintStep,
    CreditRecord,
    InspectionCheck,
    InspectionItem,
    InspectionPlan,
    Inspector,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "enterprise", "body", "source", "region", "repaired_at"]
    list_filter = ["source", "basis_code"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "body", "starts_on", "ends_on", "region", "removal_kind"]


@admin.register(BlacklistFlag)
class BlacklistFlagAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "entry", "flagged_sequence", "unflagged_sequence"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InspectionItemInline(ReadOnlyInline):
    model = InspectionItem


class InspectionCheckInline(ReadOnlyInline):
    model = InspectionCheck


class ComplaintStepInline(ReadOnlyInline):
    model = ComplaintStep


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "region", "state", "committed_at", "drawn_at"]
    inlines = [InspectionItemInline, InspectionCheckInline]


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    """The inspector directory (执法检查人员名录库): regulators keep it on the office pages
    (``directory``), superusers here too; a plan freezes it at commit."""

    list_display = ["code", "name", "region", "affiliation", "active"]
    list_filter = ["region", "active"]
    search_fields = ["code", "name"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "state", "region", "outcome", "received_at"]
    list_filter = ["state", "outcome"]
    inlines = [ComplaintStepInline]
