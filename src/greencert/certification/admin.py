"""Back-office views of certificates and the workflow records.

Everything here is read-only: certificates and applications change only through the action
functions (the office pages and the API call them), so nothing can bypass the state machine,
the permission checks or the event log from the admin.
"""

from django.contrib import admin

from greencert.certification.models import (
    ActionReceipt,
    Application,
    ApplicationDocument,
    ApplicationStep,
    Audit,
    Certificate,
    CertificateEvent,
    DueAction,
    ImportRun,
    Inspection,
    Nonconformity,
    PublicDocument,
    Sample,
    SupplyChainLink,
    SurveillanceTask,
    TestReport,
)
from greencert.core.readonly_admin import ReadOnlyAdmin, ReadOnlyInline


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


@admin.register(PublicDocument)
class PublicDocumentAdmin(ReadOnlyAdmin):
    """The stored public documents: a projection of the event log, rebuilt by
    ``greencert rebuild_read_models``, never edited."""

    list_display = ["number", "own_sequence", "version", "changed_at"]
    search_fields = ["number"]
    show_full_result_count = False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "holder", "category", "body", "status", "issue_date", "expiry_date"]
    list_filter = ["status", "category", "province_code", "in_pilot_zone"]
    search_fields = ["number", "holder__credit_code", "holder__name"]
    list_select_related = ["holder", "category", "body"]


STEP_FIELDS = ("recorded_at", "transition", "state_before", "state_after", "actor_label", "note")


class ApplicationStepInline(ReadOnlyInline):
    model = ApplicationStep
    fields = STEP_FIELDS
    readonly_fields = STEP_FIELDS


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "enterprise", "body", "category", "state", "state_changed_at"]
    list_filter = ["state", "category"]
    search_fields = ["reference", "enterprise__credit_code", "enterprise__name"]
    list_select_related = ["enterprise", "body", "category"]
    inlines = [ApplicationStepInline]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "original_name", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["application__reference", "original_name"]
    exclude = ["file"]  # documents are served to the parties by the office pages only


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "inspected_on", "inspectors", "man_days"]
    list_filter = ["outcome"]
    search_fields = ["application__reference"]


@admin.register(Nonconformity)
class NonconformityAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "description", "closed_at"]
    search_fields = ["inspection__application__reference"]


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdmin):
    list_display = ["sample_code", "application", "laboratory", "product_model", "sampled_on"]
    search_fields = ["sample_code", "application__reference"]


@admin.register(TestReport)
class TestReportAdmin(ReadOnlyAdmin):
    list_display = ["report_number", "sample", "issued_on"]
    search_fields = ["report_number", "sample__sample_code"]


@admin.register(SurveillanceTask)
class SurveillanceTaskAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "kind", "due_on", "state", "completed_at"]
    list_filter = ["kind", "state"]
    search_fields = ["certificate__number"]


@admin.register(DueAction)
class DueActionAdmin(ReadOnlyAdmin):
    list_display = ["number", "certificate", "kind", "reason_code", "deadline", "state"]
    list_filter = ["kind", "cause", "state"]
    search_fields = ["number", "certificate__number"]


@admin.register(ActionReceipt)
class ActionReceiptAdmin(ReadOnlyAdmin):
    list_display = ["key", "action", "actor_label", "application", "certificate", "created_at"]
    search_fields = ["key", "application__reference", "certificate__number"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "body",
        "kind",
        "file_name",
        "actor_label",
        "state",
        "rows_read",
        "imported",
        "already_present",
        "refused",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["file_name", "file_sha256", "body__approval_number"]
    exclude = ["problems"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    """一次认证，多张证书: certificates join an audit when they are issued."""

    list_display = ["id", "holder", "body", "application", "created_at"]
    search_fields = ["holder__name", "certificates__number", "application__reference"]
    list_select_related = ["holder", "body", "application"]


@admin.register(SupplyChainLink)
class SupplyChainLinkAdmin(ReadOnlyAdmin):
    """产业链链接: added and removed by the downstream certificate's body (office page or API)."""

    list_display = ["downstream", "upstream", "role", "share", "linked_sequence", "created_at"]
    list_filter = ["role"]
    search_fields = ["downstream__number", "upstream__number"]
    list_select_related = ["downstream", "upstream"]
