"""Announcements and recognition agreements in the back office.

Announcements and recognitions change only through their actions (office pages), so they are
read-only here. Agreements themselves — parties, scope, dates, documents — are entered here;
ending one goes through its action (the agreement's page), which ends its recognitions with events.
"""

from __future__ import annotations

from django.contrib import admin

from greencert.core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline
from greencert.governance.models import (
    AgreementDocument,
    AgreementParty,
    Announcement,
    AnnouncementItem,
    Recognition,
    RecognitionAgreement,
)


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
