"""The back office (Django admin) covers every model of the platform."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from greencert.certification.models import CertificateEvent


def _inlined() -> set[type]:
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


def test_every_model_of_the_platform_is_in_the_back_office():
    shown = set(admin.site._registry) | _inlined()
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("greencert.") and model not in shown
    ]
    assert missing == []


def test_the_event_log_is_read_only_there(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[CertificateEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
