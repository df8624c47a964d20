"""Who runs this node, shown at the foot of every public page (settings, not code: each province's
operator sets its own): ``GREENCERT_OPERATOR_ZH`` / ``_EN``, ``GREENCERT_OPERATOR_CONTACT`` and
``GREENCERT_ICP_RECORD`` (the ICP filing number a site in China displays)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def site_identity(request: HttpRequest) -> dict[str, Any]:
    english = (get_language() or "zh-hans").startswith("en")
    return {
        "site_operator": settings.GREENCERT_OPERATOR_EN
        if english
        else settings.GREENCERT_OPERATOR_ZH,
        "site_contact": settings.GREENCERT_OPERATOR_CONTACT,
        "site_icp_record": settings.GREENCERT_ICP_RECORD,
        "national_registry_url": settings.GREENCERT_NATIONAL_REGISTRY_URL,
    }
