"""Governance records in the back office.

Meetings, decisions, alliance members and documents, announcements and recognitions change only
through their actions (office pages), so they are read-only here. Recognition agreements themselves
— parties, scope, dates, documents — are entered here; ending one goes through its action (the
agreement's page), which ends its recognitions with events.
"""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from greencert.governance.models import (
    AgreementDocument,
    AgreementParty,
    AllianceDocument,
    AllianceMember,
    Announcement,
    AnnouncementItem,
    Decision,
    DecisionTarget,
    DecisionTask,
    DocumentCitation,
    DocumentVersion,
    JointMeeting,
    MembershipChange,
    Recognition,
    RecognitionAgreement,
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


class AnnouncementItemInline(ReadOnlyInline):
    model = AnnouncementItem


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["year", "serial", "title", "announced_on", "state", "publisher"]
    list_filter = ["state", "year"]
    inlines = [AnnouncementItemInline]


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0


class AgreementDocumentInline(admin.TabularInline):
    model = AgreementDocument
    extra = 0


@admin.register(RecognitionAgreement)
class RecognitionAgreementAdmin(admin.ModelAdmin):
    list_display = ["code", "title_zh", "kind", "starts_on", "ends_on", "state", "demo"]
    list_filter = ["kind", "state", "demo"]
    readonly_fields = ["state", "ended_on", "end_reason"]
    filter_horizontal = ["categories"]
    inlines = [AgreementPartyInline, AgreementDocumentInline]


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "certificate", "recognised_by", "since", "ended_on"]
    list_filter = ["agreement"]
