"""Supervision records in the back office: read-only, since every change goes through actions."""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from greencert.supervision.models import (
    BlacklistEntry,
    BlacklistFlag,
    Complaint,
    ComplaintStep,
    CreditRecord,
    EarlyRemovalApplication,
    InspectionCheck,
    InspectionItem,
    InspectionPlan,
    Inspector,
    RegulatoryOrder,
)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "enterprise", "body", "source", "region", "repaired_at"]
    list_filter = ["source", "basis_code"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "body", "starts_on", "ends_on", "region", "removal_kind"]


@admin.register(EarlyRemovalApplication)
class EarlyRemovalApplicationAdmin(ReadOnlyAdmin):
    list_display = ["entry", "applicant_label", "submitted_at", "state", "decided_at"]
    list_filter = ["state"]


@admin.register(BlacklistFlag)
class BlacklistFlagAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "entry", "flagged_sequence", "unflagged_sequence"]


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


@admin.register(RegulatoryOrder)
class RegulatoryOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "certificate", "body", "region", "deadline", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["number"]
