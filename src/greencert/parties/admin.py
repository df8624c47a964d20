from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from greencert.parties.forms import CertificationBodyForm, EnterpriseForm
from greencert.parties.models import CertificationBody, Enterprise, Laboratory, RoleAssignment


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseForm
    list_display = ["credit_code", "name", "region", "check_override_by"]
    search_fields = ["credit_code", "name"]
    list_select_related = ["region", "check_override_by"]
    readonly_fields = ["check_override_by", "check_override_at"]
    autocomplete_fields = ["region"]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        """Record who admitted a code failing the check, and when."""
        if obj.check_override_reason and (
            not change or "check_override_reason" in form.changed_data
        ):
            obj.check_override_by = request.user  # type: ignore[assignment]  # the admin requires a login
            obj.check_override_at = timezone.now()
        elif not obj.check_override_reason:
            obj.check_override_by = None
            obj.check_override_at = None
        super().save_model(request, obj, form, change)


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
    form = CertificationBodyForm
    list_display = ["approval_number", "name", "region", "alliance_member", "active"]
    list_filter = ["alliance_member", "active"]
    search_fields = ["approval_number", "name"]
    filter_horizontal = ["categories"]


@admin.register(Laboratory)
class LaboratoryAdmin(admin.ModelAdmin):
    list_display = ["cma_number", "name", "region"]
    search_fields = ["cma_number", "name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "enterprise", "body", "laboratory", "region"]
    list_filter = ["role"]
    autocomplete_fields = ["enterprise"]
