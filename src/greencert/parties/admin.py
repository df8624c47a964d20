from django.contrib import admin

from greencert.parties.models import CertificationBody, Enterprise, Laboratory, RoleAssignment


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["credit_code", "name", "region", "check_override_by"]
    search_fields = ["credit_code", "name"]
    list_select_related = ["region", "check_override_by"]
    readonly_fields = ["check_override_by", "check_override_at"]
    autocomplete_fields = ["region"]
    show_full_result_count = False


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
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
