"""Governance records in the back office: read-only, since every change goes through actions."""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from greencert.governance.models import (
    AllianceDocument,
    AllianceMember,
    Decision,
    DecisionTarget,
    DecisionTask,
    DocumentCitation,
    DocumentVersion,
    JointMeeting,
    MembershipChange,
)


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["position", "number", "title"]


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "held_on", "chair", "state"]
    list_filter = ["state", "year"]
    inlines = [DecisionInline]


class DecisionTaskInline(ReadOnlyInline):
    model = DecisionTask


class DecisionTargetInline(ReadOnlyInline):
    model = DecisionTarget


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "meeting"]
    inlines = [DecisionTaskInline, DecisionTargetInline]


@admin.register(DecisionTask)
class DecisionTaskAdmin(ReadOnlyAdmin):
    list_display = ["decision", "assignee", "due_on", "done_on"]


@admin.register(DecisionTarget)
class DecisionTargetAdmin(ReadOnlyAdmin):
    list_display = ["decision", "indicator", "region_code", "year"]


class MembershipChangeInline(ReadOnlyInline):
    model = MembershipChange


@admin.register(AllianceMember)
class AllianceMemberAdmin(ReadOnlyAdmin):
    list_display = ["reference", "name", "kind", "province_code", "state", "joined_on"]
    list_filter = ["kind", "state", "province_code"]
    search_fields = ["name", "credit_code", "reference"]
    inlines = [MembershipChangeInline]


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ["member", "state_before", "state_after", "actor_label", "at"]


class DocumentVersionInline(ReadOnlyInline):
    model = DocumentVersion


@admin.register(AllianceDocument)
class AllianceDocumentAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "title_zh"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "version", "in_force_on", "filing_number", "filed_on"]


@admin.register(DocumentCitation)
class DocumentCitationAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "version", "cited_by", "cited_at"]
