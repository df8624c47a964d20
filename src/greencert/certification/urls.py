"""Office pages under /office/ (mounted by greencert.urls)."""

from django.urls import path

from greencert.certification import views

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
    path("certificates/<str:number>/", views.certificate_detail, name="certificate"),
    path(
        "certificates/<str:number>/<slug:action>/",
        views.certificate_action,
        name="certificate_action",
    ),
]
