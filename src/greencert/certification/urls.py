"""Office pages under /office/ (mounted by greencert.urls)."""

from django.urls import path

from greencert.certification import link_views, views
from greencert.certification.imports import views as imports

app_name = "office"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("applications/new/", views.apply, name="apply"),
    path("applications/<str:reference>/", views.application_detail, name="application"),
    path("applications/<str:reference>/documents/", views.upload_document, name="upload_document"),
    path(
        "applications/<str:reference>/documents/<int:pk>/",
        views.document_download,
        name="document",
    ),
    path("applications/<str:reference>/<slug:slug>/", views.application_step, name="step"),
    path("import/", imports.upload, name="import"),
    path(
        "import/templates/<slug:kind>.<slug:file_format>",
        imports.template_download,
        name="import_template",
    ),
    path("import/<uuid:run_id>/", imports.run_detail, name="import_run"),
    path("import/<uuid:run_id>/status.json", imports.run_status, name="import_status"),
    path("import/<uuid:run_id>/import/", imports.run_import, name="import_apply"),
    path("import/<uuid:run_id>/errors.xlsx", imports.error_report, name="import_errors"),
    path("certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path("certificates/<str:number>/supply-chain/", link_views.supply_chain, name="supply_chain"),
    path(
        "certificates/<str:number>/supply-chain/link/",
        link_views.link_upstream,
        name="link_upstream",
    ),
    path(
        "certificates/<str:number>/supply-chain/unlink/",
        link_views.unlink_upstream,
        name="unlink_upstream",
    ),
    path(
        "certificates/<str:number>/<slug:action>/",
        views.certificate_action,
        name="certificate_action",
    ),
]
